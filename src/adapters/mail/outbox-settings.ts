import type { StuckMailSettings } from "./stuck-mail-watch.ts";
import { SMTP_POOL_CONNECTIONS } from "./smtp-transport.ts";

/** How the outbox worker (outbox-worker.ts) polls, claims, sends and retries, and when it calls a mail stuck. */
export interface OutboxWorkerSettings extends StuckMailSettings {
  /**
   * How often to look for mails no wake announced: queued by another process (the CLI's notices) or by
   * an instance that died before claiming them, or released by one shutting down. Mails this instance
   * queues wake it at once, and the retries and leases it knows of when they fall due (due-wake.ts).
   */
  pollIntervalMs: number;
  /**
   * Mails being sent at once. A freed slot is filled at once, so one slow SMTP
   * conversation holds up no other mail (the pool has as many connections).
   */
  maxInFlight: number;
  /** How long a claimed mail stays reserved to this worker before another may retry it; longer than `sendTimeoutMs`. */
  leaseMs: number;
  /** A send the SMTP server has not accepted by then is given up (its conversation closed) and retried later. */
  sendTimeoutMs: number;
  maxBackoffMs: number;
  /** While the relay seems down, how often to ask whether it is back (then every waiting mail is retried). */
  relayProbeIntervalMs: number;
}

export const DEFAULT_OUTBOX_SETTINGS: OutboxWorkerSettings = {
  // A poll every 500 ms cost an idle server some 3 ms of CPU per second (issue 23).
  pollIntervalMs: 5000,
  maxInFlight: SMTP_POOL_CONNECTIONS,
  // A mail held by an instance killed with kill -9 goes out from another some 20 s later.
  leaseMs: 20_000,
  // Longer than nodemailer's 10 s of silence, so a dead connection is noticed by that first.
  sendTimeoutMs: 15_000,
  maxBackoffMs: 5 * 60_000,
  relayProbeIntervalMs: 5000,
  // A code lives 10 minutes by default; a mail 5 minutes late is worth a look.
  stuckAfterMs: 5 * 60_000,
  // Backoff 1, 2, 4, 8 s: the fifth try comes some 15 s after the first.
  stuckAfterAttempts: 5,
  stuckCheckIntervalMs: 30_000,
};

// Between a send's deadline and its lease's end: time to record the failure (one UPDATE)
// before another instance may claim the mail, so two never send it at once.
const LEASE_MARGIN_MS = 2000;

/** Throws when a send could outlive its lease (the worker refuses such settings at construction). */
export function checkLeaseOutlivesSend(settings: OutboxWorkerSettings): void {
  if (settings.leaseMs < settings.sendTimeoutMs + LEASE_MARGIN_MS) {
    // Another instance would claim the mail while this one may still be sending it.
    throw new Error(`outbox: leaseMs (${settings.leaseMs}) must exceed sendTimeoutMs (${settings.sendTimeoutMs}) by ${LEASE_MARGIN_MS} ms: a send must not outlive its lease`);
  }
}
