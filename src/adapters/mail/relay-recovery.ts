import type { Logger } from "pino";
import type { Clock } from "../../core/kernel/ports.ts";
import type { OutboxStore } from "../db/outbox-store.ts";
import type { MailTransport } from "./smtp-transport.ts";
import { isRelayFailure } from "./relay-failure.ts";

export interface RelayRecoveryDeps {
  store: Pick<OutboxStore, "retryNow">;
  transport: Pick<MailTransport, "verify">;
  clock: Clock;
  logger: Logger;
  /** While the relay seems down, how often to ask whether it is back. */
  probeIntervalMs: number;
  /** The waiting mails are due now: go and claim them. */
  onRecovered(): void;
}

/**
 * Notices the SMTP relay answering again after an outage and makes every mail
 * waiting out its backoff due at once. Without it, a relay back after a minute
 * would still leave codes waiting for retries scheduled up to 5 minutes ahead,
 * longer than a customer waits at the code screen. The relay counts as back
 * when a send succeeds, or when a cheap probe (nodemailer's verify: greeting,
 * EHLO, QUIT) does, which covers quiet hours with no new mail to try.
 */
export class RelayRecovery {
  private readonly deps: RelayRecoveryDeps;
  private down = false;
  private started = false;
  /** Runs only while the relay seems down: an idle server with a working relay is not woken for it (issue 23). */
  private timer: NodeJS.Timeout | null = null;
  private probing: Promise<void> | null = null;
  private recovering: Promise<void> | null = null;

  constructor(deps: RelayRecoveryDeps) {
    this.deps = deps;
  }

  /** Probes from now on whenever the relay seems down (a failure seen before start() included). */
  start(): void {
    this.started = true;
    this.probeWhileDown();
  }

  async stop(): Promise<void> {
    this.started = false;
    this.stopProbing();
    await Promise.all([this.probing, this.recovering]);
  }

  /** A send failed; a failure of the relay itself (not a refusal of this mail) starts the probing. */
  sendFailed(error: unknown): void {
    if (!isRelayFailure(error)) {
      return;
    }
    if (!this.down) {
      this.deps.logger.warn({ probeIntervalMs: this.deps.probeIntervalMs }, "outbox: SMTP relay not answering; waiting mails are retried as soon as it does");
    }
    this.down = true;
    this.probeWhileDown();
  }

  sendSucceeded(): void {
    if (this.down) {
      this.recover("delivery");
    }
  }

  private probeWhileDown(): void {
    if (!this.started || !this.down || this.timer !== null) {
      return;
    }
    this.timer = setInterval(() => this.probeSoon(), this.deps.probeIntervalMs);
    this.timer.unref();
  }

  private stopProbing(): void {
    if (this.timer !== null) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  private probeSoon(): void {
    if (!this.down || this.probing !== null) {
      return;
    }
    // Bounded by the transport's connection, greeting and socket timeouts.
    this.probing = this.deps.transport
      .verify()
      .then(
        () => {
          if (this.down) {
            this.recover("probe");
          }
        },
        () => undefined,
      )
      .finally(() => {
        this.probing = null;
      });
  }

  private recover(noticedBy: "delivery" | "probe"): void {
    const { store, clock, logger, onRecovered } = this.deps;
    this.down = false;
    this.stopProbing();
    this.recovering = store
      .retryNow(clock.now())
      .then(
        (mails) => {
          logger.info({ mails, noticedBy }, "outbox: SMTP relay answers again; waiting mails retried now");
          onRecovered();
        },
        (error: unknown) => {
          logger.error({ err: error }, "outbox: could not make the waiting mails due; trying again at the next probe");
          this.down = true;
          this.probeWhileDown();
        },
      )
      .finally(() => {
        this.recovering = null;
      });
  }
}
