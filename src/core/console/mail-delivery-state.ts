import type { MailDelivery } from "./ports-console-read.ts";

/**
 * Where a code mail is, as the call center tells a customer whose code "does not arrive" (seed Q3):
 * - `queued`: not tried yet (or its first try is under way);
 * - `sent`: handed to the SMTP relay (then the relay's response says what it did with it);
 * - `retrying`: tried, refused or failed, and will be tried again (the last error says why);
 * - `stuck`: still not delivered after too long or too many tries;
 * - `bounced` / `delayed` (issue 22 §1): sent, and a delivery status notification came back for it.
 */
export type MailDeliveryState = "queued" | "sent" | "retrying" | "stuck" | "bounced" | "delayed";

/** When a pending mail counts as stuck: the outbox worker's own thresholds (adapters/mail/stuck-mail-watch.ts). */
export interface StuckMailRule {
  stuckAfterMs: number;
  stuckAfterAttempts: number;
}

/** The state of `mail` at `now`. Stuck is the same rule as stuck-mail-watch.ts's `stuckCriteria`, so the console and /metrics agree. */
export function mailDeliveryState(mail: MailDelivery, now: number, rule: StuckMailRule): MailDeliveryState {
  if (mail.status === "sent") {
    return mail.bounce?.state ?? "sent";
  }
  if (mail.createdAt < now - rule.stuckAfterMs || mail.attempts >= rule.stuckAfterAttempts) {
    return "stuck";
  }
  return mail.lastError === null ? "queued" : "retrying";
}
