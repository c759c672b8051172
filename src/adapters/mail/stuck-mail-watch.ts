import type { Logger } from "pino";
import type { Clock } from "../../core/kernel/ports.ts";
import type { OutboxStore, StuckCriteria } from "../db/outbox-store.ts";

/** When a pending mail counts as stuck. */
export interface StuckMailSettings {
  /** A pending mail queued this long ago is stuck: counted on /metrics and warned about once in the log. */
  stuckAfterMs: number;
  /** …and so is one tried this many times, however young. */
  stuckAfterAttempts: number;
  stuckCheckIntervalMs: number;
}

// Enough to name the oldest stuck mails; the gauge on /metrics counts them all.
const STUCK_REPORT_LIMIT = 100;

/** Which pending mails count as stuck at `now`. */
export function stuckCriteria(now: number, settings: Pick<StuckMailSettings, "stuckAfterMs" | "stuckAfterAttempts">): StuckCriteria {
  return { queuedBefore: now - settings.stuckAfterMs, minAttempts: settings.stuckAfterAttempts };
}

/**
 * Looks for stuck mails every `stuckCheckIntervalMs` and warns once per mail, with what an
 * operator needs to chase it (never the body). The outbox worker runs it beside delivery.
 */
export class StuckMailWatch {
  private readonly deps: { store: OutboxStore; clock: Clock; logger: Logger; settings: StuckMailSettings };
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  /** Stuck mails already warned about, so the log says it once per mail, not every check. */
  private warned = new Set<string>();

  constructor(deps: StuckMailWatch["deps"]) {
    this.deps = deps;
  }

  start(): void {
    this.timer = setInterval(() => this.checkSoon(), this.deps.settings.stuckCheckIntervalMs);
    this.timer.unref();
  }

  /** Stops the timer and waits for a check in progress. */
  async stop(): Promise<void> {
    if (this.timer !== null) {
      clearInterval(this.timer);
      this.timer = null;
    }
    await this.running;
  }

  /** Checks now, as the timer does; resolves when that check is done. */
  async checkNow(): Promise<void> {
    // One check at a time: one already running may have read the table before the caller's change.
    await this.running;
    this.checkSoon();
    await this.running;
  }

  private checkSoon(): void {
    if (this.running === null) {
      this.running = this.check().finally(() => {
        this.running = null;
      });
    }
  }

  private async check(): Promise<void> {
    const { store, clock, logger, settings } = this.deps;
    try {
      const now = clock.now();
      const stuck = await store.findStuck(stuckCriteria(now, settings), STUCK_REPORT_LIMIT);
      const current = new Set<string>();
      for (const mail of stuck) {
        current.add(mail.id);
        if (!this.warned.has(mail.id)) {
          logger.warn(
            { mailId: mail.id, attempts: mail.attempts, lastError: mail.lastError, queuedAt: new Date(mail.createdAt).toISOString(), ageMs: now - mail.createdAt },
            "outbox: mail stuck, not delivered yet",
          );
        }
      }
      // Forget mails delivered since: the set stays as small as the backlog.
      this.warned = current;
    } catch (error) {
      logger.error({ err: error }, "outbox: checking for stuck mails failed");
    }
  }
}
