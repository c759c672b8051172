import type { Logger } from "pino";
import type { Clock } from "../../core/kernel/ports.ts";
import type { ClaimedMail, OutboxStore } from "../db/outbox-store.ts";
import { StuckMailWatch } from "./stuck-mail-watch.ts";
import type { MailTransport } from "./smtp-transport.ts";
import type { OutboxWorkerSettings } from "./outbox-settings.ts";
import { checkLeaseOutlivesSend } from "./outbox-settings.ts";
import { RelayRecovery } from "./relay-recovery.ts";
import { claimWhileFree } from "./claim-while-free.ts";
import { DueWake } from "./due-wake.ts";

/** Told how delivery goes (the /metrics adapter implements it). */
export interface OutboxMetrics {
  /** The SMTP server accepted a mail `latencyMs` after it was queued. */
  delivered(latencyMs: number): void;
  deliveryFailed(): void;
}

/**
 * Delivers the durable outbox over SMTP. A mail stays in the table until the
 * SMTP server accepted it; a failure is retried with exponential backoff, never dropped.
 * Mails are sent side by side, each with its own deadline, and a slot freed by
 * one is refilled at once: a stalled conversation delays only its own mail.
 */
export class OutboxWorker {
  private readonly deps: {
    store: OutboxStore;
    transport: MailTransport;
    clock: Clock;
    logger: Logger;
    settings: OutboxWorkerSettings;
    metrics?: OutboxMetrics;
    /** The return path (VERP) each mail is sent with, so its bounce names it (verp.ts). */
    returnPath?: (mailId: string) => string;
  };
  private readonly recovery: RelayRecovery;
  private readonly due: DueWake;
  private readonly stuckWatch: StuckMailWatch;
  private claiming: Promise<void> | null = null;
  private claimAgain = false;
  /** Due mails may be left that found no free slot: claim again as soon as one frees. */
  private backlog = false;
  private readonly sending = new Set<Promise<void>>();
  /** Of those, retries of mails that failed before (capped at half the slots). */
  private retriesInFlight = 0;
  private stopped = true;
  /**
   * Wall-clock time after which no new mail is claimed (set by stop()). The one time
   * not read from the injected clock, on purpose: it bounds how long a shutdown takes
   * in real seconds, against the process's own deadline (SHUTDOWN_TIMEOUT_SECONDS,
   * a wall-clock timer in main.ts) and the orchestrator's SIGKILL. On a test's clock,
   * which stands still unless moved, the drain would never end.
   */
  private drainUntil = Number.POSITIVE_INFINITY;

  constructor(deps: OutboxWorker["deps"]) {
    const { settings } = deps;
    checkLeaseOutlivesSend(settings);
    this.deps = deps;
    this.stuckWatch = new StuckMailWatch({ store: deps.store, clock: deps.clock, logger: deps.logger, settings });
    this.recovery = new RelayRecovery({
      store: deps.store,
      transport: deps.transport,
      clock: deps.clock,
      logger: deps.logger,
      probeIntervalMs: settings.relayProbeIntervalMs,
      onRecovered: () => this.notify(),
    });
    this.due = new DueWake({
      clock: deps.clock,
      logger: deps.logger,
      pollIntervalMs: settings.pollIntervalMs,
      nextDueAfter: (now) => deps.store.nextDueAfter(now),
      wake: () => this.notify(),
      queue: "outbox",
    });
  }

  start(): void {
    this.stopped = false;
    this.drainUntil = Number.POSITIVE_INFINITY;
    this.stuckWatch.start();
    this.recovery.start();
    // Claims what is due now, and sleeps until the next mail falls due.
    this.due.start();
  }

  /** Wakes the worker now (a mail was just queued). */
  notify(): void {
    if (this.stopped) {
      return;
    }
    this.claimSoon();
  }

  /**
   * Stops polling. The mails in hand are delivered (or recorded as failed, at
   * the latest at their send deadline); with `drainForMs`, mails already due keep
   * being delivered for up to that long (a last pass at shutdown, so the codes of
   * the last logins go out). Mails claimed after that are released untried: due
   * again at once for another instance, not only when the lease runs out.
   */
  async stop(options: { drainForMs?: number } = {}): Promise<void> {
    const drainForMs = options.drainForMs ?? 0;
    this.stopped = true;
    this.drainUntil = Date.now() + drainForMs;
    const woken = this.due.stop();
    if (drainForMs > 0) {
      this.claimSoon();
    }
    await this.quiet();
    await Promise.all([woken, this.stuckWatch.stop(), this.recovery.stop()]);
  }

  /**
   * Claims the mails due now (on the injected clock), sends them and resolves once
   * each one is recorded as sent or failed, with how many were tried. It needs no
   * start(): a test with polling off drives delivery with it (STYLE 18), and a mail
   * it finds failing waits out its backoff on that clock, so one pass never retries
   * it. With polling on, the sends the worker already has in hand settle first.
   */
  async runOnce(): Promise<number> {
    const { store, clock, settings } = this.deps;
    await this.quiet();
    const tried = await claimWhileFree(settings.maxInFlight, this.sending, (limit) => store.claim(clock.now(), settings.leaseMs, limit), (mail) => this.send(mail));
    await this.quiet();
    return tried;
  }

  /** Resolves when no claim and no send is running; a send that ends may claim once more, so it loops. */
  private async quiet(): Promise<void> {
    while (this.claiming !== null || this.sending.size > 0) {
      await Promise.all([this.claiming, ...this.sending]);
    }
  }

  /** Looks for stuck mails now, as the timer does every `stuckCheckIntervalMs`; resolves when that check is done. */
  checkStuckNow(): Promise<void> {
    return this.stuckWatch.checkNow();
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
        if (Date.now() >= this.drainUntil) {
          return;
        }
        const free = settings.maxInFlight - this.sending.size;
        if (free <= 0) {
          this.backlog = true;
          return;
        }
        const claimed = await this.claimFirstTriesFirst(free);
        if (claimed.length === 0) {
          return;
        }
        if (Date.now() >= this.drainUntil) {
          // stop() came while these were being claimed.
          await store.release(claimed.map((mail) => mail.id));
          logger.info({ mails: claimed.length }, "outbox: stopping, claimed mails released untried");
          return;
        }
        for (const mail of claimed) {
          this.send(mail);
        }
        // Fewer than asked: the queue is empty (or retries are at their cap); a mail queued since calls notify().
        // At shutdown notify() is off, so keep claiming until the queue is empty.
        if (claimed.length < free && !this.stopped) {
          return;
        }
      }
    } catch (error) {
      logger.error({ err: error }, "outbox: claiming mails failed");
    }
  }

  /**
   * Fills free slots with first tries (fresh codes) first, then with retries, which may
   * hold at most half the slots. A mailbox server behind the relay that stalls every
   * conversation fails its mails by timeout again and again; without the cap, those
   * retries could fill every slot and hold each new code until they time out
   * (issue 17 §11). Sets `backlog` when due mails may be left for the next free slot.
   */
  private async claimFirstTriesFirst(free: number): Promise<ClaimedMail[]> {
    const { store, clock, settings } = this.deps;
    const firstTries = await store.claim(clock.now(), settings.leaseMs, free, { triedAtMost: 0 });
    const retryRoom = Math.min(free - firstTries.length, this.retrySlots() - this.retriesInFlight);
    if (retryRoom <= 0) {
      // Slots full, or retries at their cap: more may be due.
      this.backlog = firstTries.length === free || this.retrySlots() <= this.retriesInFlight;
      return firstTries;
    }
    const more = await store.claim(clock.now(), settings.leaseMs, retryRoom);
    this.backlog = more.length === retryRoom;
    return [...firstTries, ...more];
  }

  private retrySlots(): number {
    return Math.max(1, Math.floor(this.deps.settings.maxInFlight / 2));
  }

  private send(mail: ClaimedMail): void {
    // `attempts` counts this try: above 1, the mail failed before.
    const retry = mail.attempts > 1;
    if (retry) {
      this.retriesInFlight += 1;
    }
    const sending: Promise<void> = this.deliver(mail).finally(() => {
      if (retry) {
        this.retriesInFlight -= 1;
      }
      this.sending.delete(sending);
      // The slot is free: the next due mail goes now, not when the others are done.
      if (this.backlog) {
        this.claimSoon();
      }
    });
    this.sending.add(sending);
  }

  private async deliver(mail: ClaimedMail): Promise<void> {
    const { store, transport, clock, logger, settings, metrics, returnPath } = this.deps;
    let relayResponse: string | null;
    try {
      const outgoing = { to: mail.recipient, subject: mail.subject, text: mail.body, ...(returnPath === undefined ? {} : { returnPath: returnPath(mail.id) }) };
      relayResponse = await transport.send(outgoing, { timeoutMs: settings.sendTimeoutMs });
    } catch (error) {
      await this.recordFailure(mail, error);
      return;
    }
    const acceptedAt = clock.now();
    metrics?.delivered(acceptedAt - mail.createdAt);
    this.recovery.sendSucceeded();
    try {
      await store.markSent(mail.id, acceptedAt, relayResponse);
    } catch (error) {
      // Accepted by SMTP, so not a failed delivery; the lease runs out and the same mail may go out twice.
      logger.error({ err: error, mailId: mail.id }, "outbox: could not record a delivered mail; it may be sent again");
      this.due.dueAt(clock.now() + settings.leaseMs);
      return;
    }
    logger.info({ mailId: mail.id, attempts: mail.attempts, latencyMs: acceptedAt - mail.createdAt }, "outbox: mail delivered");
  }

  private async recordFailure(mail: ClaimedMail, error: unknown): Promise<void> {
    const { store, clock, logger, settings, metrics } = this.deps;
    metrics?.deliveryFailed();
    this.recovery.sendFailed(error);
    const backoff = Math.min(1000 * 2 ** (mail.attempts - 1), settings.maxBackoffMs);
    const message = error instanceof Error ? error.message : String(error);
    const retryAt = clock.now() + backoff;
    await store.markFailed(mail.id, retryAt, message).then(
      () => this.due.dueAt(retryAt),
      (markError: unknown) => {
        logger.error({ err: markError, mailId: mail.id }, "outbox: could not record a failed delivery; the lease will expire and it is retried");
        this.due.dueAt(clock.now() + settings.leaseMs);
      },
    );
    logger.warn({ mailId: mail.id, attempts: mail.attempts, retryInMs: backoff, error: message }, "outbox: delivery failed, will retry");
  }
}
