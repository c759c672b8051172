import type { Logger } from "pino";
import type { Clock } from "../../core/kernel/ports.ts";
import type { RecoveryRequest } from "../../core/account/ports-recovery.ts";
import type { RecoveryQueueStore, UnreadableRecoveryRequest } from "../db/stores/recovery-queue-store.ts";

export interface RecoveryWorkerSettings {
  /** How often to look for requests an instance that died left behind. */
  pollIntervalMs: number;
  /** How long a claimed request is this worker's; after that any instance may resolve it. */
  leaseMs: number;
  /** A request whose resolution failed this many times is dropped (logged), not retried for ever. */
  maxAttempts: number;
  /** Requests claimed at once. */
  batchSize: number;
}

export const DEFAULT_RECOVERY_SETTINGS: RecoveryWorkerSettings = {
  pollIntervalMs: 5000,
  // Resolving one request is a few statements; a hold far longer than that only delays the rare retry.
  leaseMs: 30_000,
  maxAttempts: 5,
  batchSize: 20,
};

/**
 * Resolves the recovery requests (issue 17 item 7) after their answers: woken as each is written
 * (on the next turn of the event loop, once the answer is out), and every `pollIntervalMs` for
 * those an instance killed before resolving them left behind (their hold lapses after `leaseMs`).
 * One run at a time in this process; a run claims every free request there is.
 */
export class RecoveryWorker {
  private readonly deps: {
    store: RecoveryQueueStore;
    resolve: (request: RecoveryRequest) => Promise<void>;
    clock: Clock;
    logger: Logger;
    settings: RecoveryWorkerSettings;
  };
  private timer: NodeJS.Timeout | null = null;
  private stopped = true;
  /** The run in progress or last finished; the next waits for it. */
  private tail: Promise<unknown> = Promise.resolve();
  /** A run queued behind `tail` and not started yet: later callers share it. */
  private queued: Promise<number> | null = null;

  constructor(deps: RecoveryWorker["deps"]) {
    this.deps = deps;
  }

  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => this.notify(), this.deps.settings.pollIntervalMs);
    this.timer.unref();
    // What a previous process left.
    this.notify();
  }

  /** A request was written: resolve it once the current turn (the answer) is done. */
  notify(): void {
    if (this.stopped) {
      return;
    }
    setImmediate(() => {
      if (this.stopped) {
        return;
      }
      this.runOnce().catch((error: unknown) => this.deps.logger.error({ err: error }, "recovery requests: run failed"));
    });
  }

  /** Resolves every request free now (after a run in progress); how many were tried. Tests call it directly. */
  runOnce(): Promise<number> {
    if (this.queued !== null) {
      return this.queued;
    }
    const run = this.tail.then(() => {
      this.queued = null;
      return this.drain();
    });
    this.queued = run;
    this.tail = run.catch(() => 0);
    return run;
  }

  /** Stops polling and waits for the run in progress; what is left waits in the table. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) {
      clearInterval(this.timer);
      this.timer = null;
    }
    await this.tail;
  }

  private async drain(): Promise<number> {
    const { store, clock, settings } = this.deps;
    let tried = 0;
    for (;;) {
      const now = clock.now();
      const batch = await store.claim(now, now + settings.leaseMs, settings.batchSize);
      if (batch.length === 0) {
        return tried;
      }
      for (const request of batch) {
        tried += 1;
        if ("unreadable" in request) {
          await this.giveUpUnreadable(request);
        } else {
          await this.resolveOne(request, request.attempts);
        }
      }
    }
  }

  /**
   * A row no key opens (sealed with a SERVER_SECRET no longer configured, or damaged) will never
   * resolve: given up at once, logged once (its ID only; nothing of it can be read anyway).
   */
  private async giveUpUnreadable(request: UnreadableRecoveryRequest): Promise<void> {
    this.deps.logger.error({ recoveryRequestId: request.id, attempts: request.attempts }, "recovery request unreadable (sealed with another SERVER_SECRET?); given up");
    await this.deps.store.done(request.id);
  }

  private async resolveOne(request: RecoveryRequest, attempts: number): Promise<void> {
    const { store, resolve, logger, settings } = this.deps;
    try {
      await resolve(request);
    } catch (error) {
      // Never the address or the date of birth in the log: the request ID ties it to the request's own lines.
      if (attempts >= settings.maxAttempts) {
        logger.error({ err: error, recoveryRequestId: request.id, requestId: request.context.requestId, attempts }, "recovery request given up");
        await store.done(request.id);
      } else {
        logger.warn({ err: error, recoveryRequestId: request.id, requestId: request.context.requestId, attempts }, "recovery request failed; retried when its hold ends");
      }
      return;
    }
    await store.done(request.id);
  }
}
