import type { Logger } from "pino";
import type { Clock } from "../../core/kernel/ports.ts";
import type { ClaimedLogoutDelivery, OidcLogoutDeliveryStore } from "../db/stores/oidc-logout-delivery-store.ts";
import { claimWhileFree } from "../mail/claim-while-free.ts";
import { DueWake } from "../mail/due-wake.ts";

/** What one back-channel logout is about: the client to tell, and the customer (`sub`) and session (`sid`) that ended. */
export interface LogoutDeliveryTarget {
  clientId: string;
  sub: string;
  sid: string;
}

/** Signs and POSTs the logout_token to the client's back-channel URI; a throw (or no answer in time) means try again later. */
export type DeliverLogout = (delivery: LogoutDeliveryTarget) => Promise<void>;

export interface LogoutDeliverySettings {
  /**
   * How often to look for deliveries nothing announced: queued by another instance or process, or left by
   * one that died. This instance's own wake it at once, and the retries and leases it knows of when they
   * fall due (due-wake.ts).
   */
  pollIntervalMs: number;
  /** Deliveries under way at once: one client that does not answer holds only its own. */
  maxInFlight: number;
  /** How long a claimed delivery stays this worker's before another instance may try it; longer than `sendTimeoutMs`. */
  leaseMs: number;
  /** A delivery not done by then counts as failed (and is retried). */
  sendTimeoutMs: number;
  /** The first retry's wait; each failure doubles it, up to `maxBackoffMs`. */
  firstBackoffMs: number;
  maxBackoffMs: number;
  /** No try is made later than this after the session's end: the delivery is given up (logged once). */
  giveUpAfterMs: number;
}

export const DEFAULT_LOGOUT_DELIVERY_SETTINGS: LogoutDeliverySettings = {
  // Issue 20 item 6: a client hears of a session's end within 10 s, even one queued by another instance.
  // Every 2 s cost an idle server some 0.5 ms of CPU per second (issue 23).
  pollIntervalMs: 5000,
  maxInFlight: 8,
  leaseMs: 15_000,
  sendTimeoutMs: 5000,
  // 1 s, 2 s, 4 s … capped at 5 minutes, as the mail outbox retries.
  firstBackoffMs: 1000,
  maxBackoffMs: 5 * 60_000,
  // A session ended a day ago is of no use to tell any more; its tokens were refused from the start.
  giveUpAfterMs: 24 * 60 * 60_000,
};

// Between a try's deadline and its lease's end: time to record the outcome before another instance may claim it.
const LEASE_MARGIN_MS = 2000;
// The client's error kept in a log line: bounded.
const LOGGED_ERROR_MAX = 200;

/**
 * Delivers the back-channel logouts queued when sessions end (OIDC Back-Channel Logout 1.0), as the
 * mail outbox worker delivers mails: a delivery stays in its table until the client accepted it;
 * each claim is a lease (`claimed_until`), so two instances never send the same one at once; a
 * failure is retried with exponential backoff and given up only after `giveUpAfterMs`. What a
 * stopped or killed instance left is sent by any other (or the next one) on the same database.
 */
export class LogoutDeliveryWorker {
  private readonly deps: {
    store: OidcLogoutDeliveryStore;
    deliver: DeliverLogout;
    clock: Clock;
    logger: Logger;
    settings: LogoutDeliverySettings;
  };
  private readonly due: DueWake;
  private stopped = true;
  private claiming: Promise<void> | null = null;
  private claimAgain = false;
  /** Due deliveries may be left that found no free slot: claim again as soon as one frees. */
  private backlog = false;
  private readonly sending = new Set<Promise<void>>();

  constructor(deps: LogoutDeliveryWorker["deps"]) {
    const { settings } = deps;
    if (settings.leaseMs < settings.sendTimeoutMs + LEASE_MARGIN_MS) {
      // Another instance would claim the delivery while this one may still be sending it.
      throw new Error(`logout delivery: leaseMs (${settings.leaseMs}) must exceed sendTimeoutMs (${settings.sendTimeoutMs}) by ${LEASE_MARGIN_MS} ms`);
    }
    this.deps = deps;
    this.due = new DueWake({
      clock: deps.clock,
      logger: deps.logger,
      pollIntervalMs: settings.pollIntervalMs,
      nextDueAfter: (now) => deps.store.nextDueAfter(now),
      wake: () => this.notify(),
      queue: "logout delivery",
    });
  }

  start(): void {
    this.stopped = false;
    // What a previous process left: due now, or when its retry or lease falls due.
    this.due.start();
  }

  /** Wakes the worker now (a session's end just queued a delivery). */
  notify(): void {
    if (this.stopped) {
      return;
    }
    this.claimSoon();
  }

  /** Stops polling and waits for the deliveries under way (each bounded by `sendTimeoutMs`); the rest waits in the table. */
  async stop(): Promise<void> {
    this.stopped = true;
    const woken = this.due.stop();
    await this.quiet();
    await woken;
  }

  /**
   * Claims the deliveries due now (on the injected clock), tries each and resolves once every one
   * is recorded, with how many were tried. Needs no start(): tests drive delivery with it; a
   * delivery that fails waits out its backoff on that clock, so one pass never retries it.
   */
  async runOnce(): Promise<number> {
    const { store, clock, settings } = this.deps;
    await this.quiet();
    const tried = await claimWhileFree(settings.maxInFlight, this.sending, (limit) => store.claim(clock.now(), settings.leaseMs, limit), (delivery) => this.send(delivery));
    await this.quiet();
    return tried;
  }

  /** Resolves when no claim and no delivery is running; a delivery that ends may claim once more, so it loops. */
  private async quiet(): Promise<void> {
    while (this.claiming !== null || this.sending.size > 0) {
      await Promise.all([this.claiming, ...this.sending]);
    }
  }

  /** One claim at a time; asked again meanwhile, it claims once more when done. */
  private claimSoon(): void {
    if (this.claiming !== null) {
      this.claimAgain = true;
      return;
    }
    this.claiming = this.claimIntoFreeSlots().finally(() => {
      this.claiming = null;
      if (this.claimAgain) {
        this.claimAgain = false;
        this.claimSoon();
      }
    });
  }

  private async claimIntoFreeSlots(): Promise<void> {
    const { store, clock, logger, settings } = this.deps;
    try {
      for (;;) {
        const free = settings.maxInFlight - this.sending.size;
        if (free <= 0) {
          this.backlog = true;
          return;
        }
        const claimed = await store.claim(clock.now(), settings.leaseMs, free);
        if (this.stopped) {
          // stop() came while these were being claimed: due again at once for another instance.
          await store.release(claimed.map((delivery) => delivery.id));
          return;
        }
        for (const delivery of claimed) {
          this.send(delivery);
        }
        this.backlog = claimed.length === free;
        if (!this.backlog) {
          return;
        }
      }
    } catch (error) {
      logger.error({ err: error }, "logout delivery: claiming failed");
    }
  }

  private send(delivery: ClaimedLogoutDelivery): void {
    const sending: Promise<void> = this.attempt(delivery).finally(() => {
      this.sending.delete(sending);
      // The slot is free: the next due delivery goes now, not at the next poll.
      if (this.backlog && !this.stopped) {
        this.claimSoon();
      }
    });
    this.sending.add(sending);
  }

  private async attempt(delivery: ClaimedLogoutDelivery): Promise<void> {
    const { store, clock, logger } = this.deps;
    try {
      await this.deliverInTime(delivery);
    } catch (error) {
      await this.recordFailure(delivery, error);
      return;
    }
    try {
      await store.markDelivered(delivery.id, clock.now());
    } catch (error) {
      // Delivered, so not a failure; when the lease runs out it may go once more (a client takes a repeated logout).
      logger.error({ err: error, deliveryId: delivery.id }, "logout delivery: could not record a delivery; it may be sent again");
      this.due.dueAt(clock.now() + this.deps.settings.leaseMs);
      return;
    }
    logger.info({ deliveryId: delivery.id, clientId: delivery.clientId, attempts: delivery.attempts }, "logout delivery: delivered");
  }

  private async deliverInTime(delivery: ClaimedLogoutDelivery): Promise<void> {
    const { deliver, settings } = this.deps;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${settings.sendTimeoutMs} ms`)), settings.sendTimeoutMs);
    });
    try {
      await Promise.race([deliver({ clientId: delivery.clientId, sub: delivery.sub, sid: delivery.sid }), deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async recordFailure(delivery: ClaimedLogoutDelivery, error: unknown): Promise<void> {
    const { store, clock, logger, settings } = this.deps;
    const now = clock.now();
    const message = (error instanceof Error ? error.message : String(error)).slice(0, LOGGED_ERROR_MAX);
    const backoff = Math.min(settings.firstBackoffMs * 2 ** (delivery.attempts - 1), settings.maxBackoffMs);
    // Never the sub, the sid or a token in the log: the delivery's ID ties the line to its row.
    const context = { deliveryId: delivery.id, clientId: delivery.clientId, attempts: delivery.attempts, error: message };
    try {
      if (now + backoff > delivery.createdAt + settings.giveUpAfterMs) {
        await store.giveUp(delivery.id, now, message);
        logger.warn(context, "logout delivery: given up, the client did not accept it in time");
        return;
      }
      await store.markFailed(delivery.id, now + backoff, message);
      this.due.dueAt(now + backoff);
    } catch (storeError) {
      logger.error({ err: storeError, deliveryId: delivery.id }, "logout delivery: could not record a failure; retried when its lease runs out");
      this.due.dueAt(clock.now() + settings.leaseMs);
      return;
    }
    logger.info({ ...context, retryInMs: backoff }, "logout delivery: failed, will retry");
  }
}
