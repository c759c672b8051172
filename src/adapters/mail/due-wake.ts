import type { Logger } from "pino";
import type { Clock } from "../../core/kernel/ports.ts";

// The longest delay a Node timer takes (about 24.8 days); a later time is looked up again when it fires.
const MAX_TIMER_MS = 2 ** 31 - 1;
// Timed wakes come at least this far apart: while the relay is down, thousands of retries fall due a few
// milliseconds apart, and one wake (a claim and a look-up) takes every one due by then.
const MIN_WAKE_GAP_MS = 200;

export interface DueWakeDeps {
  clock: Clock;
  logger: Logger;
  /** How often to look for work nobody announced: queued by another process, left by an instance that died. */
  pollIntervalMs: number;
  /** The earliest time after `now` at which an item in the table falls due (a retry, a lease's end), or null. */
  nextDueAfter(now: number): Promise<number | null>;
  /** Claim what is due now (the worker's notify). */
  wake(): void;
  /** Names the queue in the log. */
  queue: string;
}

/**
 * When a leased-queue worker (the mail outbox, back-channel logouts) looks at its table, instead of
 * polling it every half second (issue 23: an idle server should cost next to nothing). Work queued by
 * this instance wakes the worker itself (notify); what falls due later wakes it at that time: a retry
 * it scheduled (`dueAt`), and the next due time the table holds, looked up at start and after each such
 * wake (retries left by a previous process, leases of an instance that died). A slow poll finds the
 * rest: what another process queued, or released as it stopped.
 */
export class DueWake {
  private readonly deps: DueWakeDeps;
  private poll: NodeJS.Timeout | null = null;
  private timer: NodeJS.Timeout | null = null;
  private timerAt = Number.POSITIVE_INFINITY;
  private lastTimedWake = Number.NEGATIVE_INFINITY;
  private lookingAhead: Promise<void> | null = null;
  private running = false;

  constructor(deps: DueWakeDeps) {
    this.deps = deps;
  }

  start(): void {
    this.running = true;
    this.poll = setInterval(() => this.deps.wake(), this.deps.pollIntervalMs);
    this.poll.unref();
    this.wakeAndLookAhead();
  }

  /** Something falls due at `due` (a retry this worker scheduled): wake then, unless set to wake earlier. */
  dueAt(due: number): void {
    const at = Math.max(due, this.lastTimedWake + MIN_WAKE_GAP_MS);
    if (!this.running || at >= this.timerAt) {
      return;
    }
    this.clearTimer();
    this.timerAt = at;
    this.timer = setTimeout(
      () => {
        this.timer = null;
        this.timerAt = Number.POSITIVE_INFINITY;
        this.lastTimedWake = this.deps.clock.now();
        this.wakeAndLookAhead();
      },
      Math.min(Math.max(0, at - this.deps.clock.now()), MAX_TIMER_MS),
    );
    this.timer.unref();
  }

  /** No more wakes; resolves once a look-up under way is done. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.poll !== null) {
      clearInterval(this.poll);
      this.poll = null;
    }
    this.clearTimer();
    await this.lookingAhead;
  }

  private wakeAndLookAhead(): void {
    if (!this.running) {
      return;
    }
    // Read before the claim: what falls due between this and the claim's own clock reading is then
    // either claimed or found here (at worst a wake that finds it claimed), never neither.
    const now = this.deps.clock.now();
    this.deps.wake();
    if (this.lookingAhead !== null) {
      return;
    }
    this.lookingAhead = this.deps
      .nextDueAfter(now)
      .then(
        (at) => {
          if (at !== null) {
            this.dueAt(at);
          }
        },
        (error: unknown) => this.deps.logger.error({ err: error }, `${this.deps.queue}: looking up the next due time failed; the poll goes on`),
      )
      .finally(() => {
        this.lookingAhead = null;
      });
  }

  private clearTimer(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    this.timerAt = Number.POSITIVE_INFINITY;
  }
}
