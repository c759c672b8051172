/**
 * Issue 22 §1: what a delivery status notification (RFC 3464) says about a mail we sent,
 * in the words the code screen, the JSON API, the console and /metrics use.
 */
export const BOUNCE_REASONS = ["mailbox_full", "no_such_user", "refused", "delayed", "other"] as const;
export type BounceReason = (typeof BOUNCE_REASONS)[number];

/** bounced: the mail will not arrive (5.x.x); delayed: the receiving side still tries (4.x.x). */
export type BounceState = "bounced" | "delayed";

export interface Bounce {
  state: BounceState;
  reason: BounceReason;
}

/**
 * The state and reason of an RFC 3463 status code ("5.2.2"), or null for one that
 * reports no failure (2.x.x: delivered or relayed) or is not a status code.
 */
export function bounceOfStatus(status: string): Bounce | null {
  const match = /^([245])\.(\d{1,3})\.(\d{1,3})$/.exec(status.trim());
  if (match === null || match[1] === "2") {
    return null;
  }
  if (match[1] === "4") {
    return { state: "delayed", reason: "delayed" };
  }
  const detail = `${match[2]}.${match[3]}`;
  if (detail === "2.2") {
    return { state: "bounced", reason: "mailbox_full" };
  }
  if (detail === "1.1") {
    return { state: "bounced", reason: "no_such_user" };
  }
  if (match[2] === "7") {
    return { state: "bounced", reason: "refused" };
  }
  return { state: "bounced", reason: "other" };
}

/** What the code screen and the API say about the customer's latest code mail: pending, sent, or what came back. */
export interface LastDelivery {
  state: "pending" | "sent" | BounceState;
  /** Set when a bounce came back for it. */
  reason: BounceReason | null;
}

/** The customer's code mails as the code screen needs them (the outbox adapter implements it). */
export interface CodeMailDeliveries {
  /** The delivery of the customer's latest code mail queued at or after `since`; a bounce of an earlier one among them wins over a plain "sent". Null: none. */
  lastCodeDelivery(customerId: string, since: number): Promise<LastDelivery | null>;
}
