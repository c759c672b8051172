import type { Logger } from "pino";
import type { Clock, OutboxNotifier } from "../../core/ports.ts";
import type { ClaimedMail, OutboxStore, StuckCriteria } from "../db/outbox-store.ts";
import type { MailTransport } from "./smtp-transport.ts";

export interface OutboxWorkerSettings {
  pollIntervalMs: number;
  batchSize: number;
  /** How long a claimed mail stays reserved to this worker before another may retry it. */
  leaseMs: number;
  maxBackoffMs: number;
  /** A pending mail queued this long ago is stuck: counted on /metrics and warned about once in the log. */
  stuckAfterMs: number;
  /** …and so is one tried this many times, however young. */
  stuckAfterAttempts: number;
  stuckCheckIntervalMs: number;
}

export const DEFAULT_OUTBOX_SETTINGS: OutboxWorkerSettings = {
  pollIntervalMs: 500,
  batchSize: 20,
  leaseMs: 60_000,
  maxBackoffMs: 5 * 60_000,
  // A code lives 10 minutes by default; a mail 5 minutes late is worth a look.
  stuckAfterMs: 5 * 60_000,
  // Backoff 1, 2, 4, 8 s: the fifth try comes some 15 s after the first.
  stuckAfterAttempts: 5,
  stuckCheckIntervalMs: 30_000,
};

/** Told how delivery goes (the /metrics adapter implements it). */
export interface OutboxMetrics {
  /** The SMTP server accepted a mail `latencyMs` after it was queued. */
  delivered(latencyMs: number): void;
  deliveryFailed(): void;
}

// Enough to name the oldest stuck mails; the gauge on /metrics counts them all.
const STUCK_REPORT_LIMIT = 100;

/** Which pending mails count as stuck at `now`. */
export function stuckCriteria(now: number, settings: Pick<OutboxWorkerSettings, "stuckAfterMs" | "stuckAfterAttempts">): StuckCriteria {
  return { queuedBefore: now - settings.stuckAfterMs, minAttempts: settings.stuckAfterAttempts };
}

/**
 * Delivers the durable outbox over SMTP. A mail stays in the table until the
 * SMTP server accepted it; a failure is retried with exponential backoff, never dropped.
 */
export class OutboxWorker implements OutboxNotifier {
  private readonly deps: {
    store: OutboxStore;
    transport: MailTransport;
    clock: Clock;
    logger: Logger;
    settings: OutboxWorkerSettings;
    metrics?: OutboxMetrics;
  };
  private timer: NodeJS.Timeout | null = null;
  private stuckTimer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stuckCheck: Promise<void> | null = null;
  private again = false;
  private stopped = true;
  /** Wall-clock time after which no new batch is claimed (set by stop()). */
  private drainUntil = Number.POSITIVE_INFINITY;
  /** Stuck mails already warned about, so the log says it once per mail, not every check. */
  private warnedStuck = new Set<string>();

  constructor(deps: OutboxWorker["deps"]) {
    this.deps = deps;
  }

  start(): void {
    this.stopped = false;
    this.drainUntil = Number.POSITIVE_INFINITY;
    this.timer = setInterval(() => this.notify(), this.deps.settings.pollIntervalMs);
    this.timer.unref();
    this.stuckTimer = setInterval(() => this.checkStuckSoon(), this.deps.settings.stuckCheckIntervalMs);
    this.stuckTimer.unref();
    this.notify();
  }

  /** Wakes the worker now (a mail was just queued). */
  notify(): void {
    if (this.stopped) {
      return;
    }
    if (this.running !== null) {
      this.again = true;
      return;
    }
    this.running = this.drain().finally(() => {
      this.running = null;
      if (this.again) {
        this.again = false;
        this.notify();
      }
    });
  }

  /**
   * Stops polling. The mails in hand are delivered (or recorded as failed); with
   * `drainForMs`, mails already due keep being delivered for up to that long (a
   * last pass at shutdown, so the codes of the last logins go out). A batch
   * claimed after that is released untried: due again at once for another
   * instance, not only when the lease runs out.
   */
  async stop(options: { drainForMs?: number } = {}): Promise<void> {
    const drainForMs = options.drainForMs ?? 0;
    this.stopped = true;
    this.drainUntil = Date.now() + drainForMs;
    for (const timer of [this.timer, this.stuckTimer]) {
      if (timer !== null) {
        clearInterval(timer);
      }
    }
    this.timer = null;
    this.stuckTimer = null;
    if (this.running === null && drainForMs > 0) {
      this.running = this.drain().finally(() => {
        this.running = null;
      });
    }
    await Promise.all([this.running, this.stuckCheck]);
  }

  private async drain(): Promise<void> {
    const { store, clock, logger, settings } = this.deps;
    try {
      for (;;) {
        if (Date.now() >= this.drainUntil) {
          return;
        }
        const batch = await store.claim(clock.now(), settings.leaseMs, settings.batchSize);
        if (batch.length === 0) {
          return;
        }
        if (Date.now() >= this.drainUntil) {
          // stop() came while this batch was being claimed.
          await store.release(batch.map((mail) => mail.id));
          logger.info({ mails: batch.length }, "outbox: stopping, claimed mails released untried");
          return;
        }
        await Promise.all(batch.map((mail) => this.deliver(mail)));
        // A short batch emptied the queue; a mail queued since then called notify(),
        // which runs drain again, so claiming once more here would find nothing.
        // At shutdown notify() is off, so keep claiming until the queue is empty.
        if (batch.length < settings.batchSize && !this.stopped) {
          return;
        }
      }
    } catch (error) {
      logger.error({ err: error }, "outbox: claiming mails failed");
    }
  }

  private async deliver(mail: ClaimedMail): Promise<void> {
    const { store, transport, clock, logger, settings, metrics } = this.deps;
    try {
      await transport.send({ to: mail.recipient, subject: mail.subject, text: mail.body });
      const acceptedAt = clock.now();
      metrics?.delivered(acceptedAt - mail.createdAt);
      await store.markSent(mail.id, acceptedAt);
      logger.info({ mailId: mail.id, attempts: mail.attempts, latencyMs: acceptedAt - mail.createdAt }, "outbox: mail delivered");
    } catch (error) {
      metrics?.deliveryFailed();
      const backoff = Math.min(1000 * 2 ** (mail.attempts - 1), settings.maxBackoffMs);
      const message = error instanceof Error ? error.message : String(error);
      await store.markFailed(mail.id, clock.now() + backoff, message).catch((markError: unknown) => {
        logger.error({ err: markError, mailId: mail.id }, "outbox: could not record a failed delivery; the lease will expire and it is retried");
      });
      logger.warn({ mailId: mail.id, attempts: mail.attempts, retryInMs: backoff, error: message }, "outbox: delivery failed, will retry");
    }
  }

  private checkStuckSoon(): void {
    if (this.stuckCheck === null) {
      this.stuckCheck = this.checkStuck().finally(() => {
        this.stuckCheck = null;
      });
    }
  }

  /** Warns once per stuck mail, with what an operator needs to chase it (never the body). */
  private async checkStuck(): Promise<void> {
    const { store, clock, logger, settings } = this.deps;
    try {
      const now = clock.now();
      const stuck = await store.findStuck(stuckCriteria(now, settings), STUCK_REPORT_LIMIT);
      const current = new Set<string>();
      for (const mail of stuck) {
        current.add(mail.id);
        if (!this.warnedStuck.has(mail.id)) {
          logger.warn(
            { mailId: mail.id, attempts: mail.attempts, lastError: mail.lastError, queuedAt: new Date(mail.createdAt).toISOString(), ageMs: now - mail.createdAt },
            "outbox: mail stuck, not delivered yet",
          );
        }
      }
      // Forget mails delivered since: the set stays as small as the backlog.
      this.warnedStuck = current;
    } catch (error) {
      logger.error({ err: error }, "outbox: checking for stuck mails failed");
    }
  }
}
