import type { Logger } from "pino";
import type { Clock, OutboxNotifier } from "../../core/ports.ts";
import type { OutboxStore } from "../db/outbox-store.ts";
import type { MailTransport } from "./smtp-transport.ts";

export interface OutboxWorkerSettings {
  pollIntervalMs: number;
  batchSize: number;
  /** How long a claimed mail stays reserved to this worker before another may retry it. */
  leaseMs: number;
  maxBackoffMs: number;
}

export const DEFAULT_OUTBOX_SETTINGS: OutboxWorkerSettings = {
  pollIntervalMs: 500,
  batchSize: 20,
  leaseMs: 60_000,
  maxBackoffMs: 5 * 60_000,
};

/**
 * Delivers the durable outbox over SMTP. A mail stays in the table until the
 * SMTP server accepted it; a failure is retried with exponential backoff, never dropped.
 */
export class OutboxWorker implements OutboxNotifier {
  private readonly deps: { store: OutboxStore; transport: MailTransport; clock: Clock; logger: Logger; settings: OutboxWorkerSettings };
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = true;

  constructor(deps: OutboxWorker["deps"]) {
    this.deps = deps;
  }

  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => this.notify(), this.deps.settings.pollIntervalMs);
    this.timer.unref();
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

  /** Stops polling and waits for the mails in hand to be delivered or released. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) {
      clearInterval(this.timer);
      this.timer = null;
    }
    await this.running;
  }

  private async drain(): Promise<void> {
    const { store, clock, logger, settings } = this.deps;
    try {
      for (;;) {
        const batch = await store.claim(clock.now(), settings.leaseMs, settings.batchSize);
        if (batch.length === 0) {
          return;
        }
        await Promise.all(batch.map((mail) => this.deliver(mail)));
        if (this.stopped) {
          return;
        }
      }
    } catch (error) {
      logger.error({ err: error }, "outbox: claiming mails failed");
    }
  }

  private async deliver(mail: { id: string; recipient: string; subject: string; body: string; attempts: number; createdAt: number }): Promise<void> {
    const { store, transport, clock, logger, settings } = this.deps;
    try {
      await transport.send({ to: mail.recipient, subject: mail.subject, text: mail.body });
      const now = clock.now();
      await store.markSent(mail.id, now);
      logger.info({ mailId: mail.id, attempts: mail.attempts, latencyMs: now - mail.createdAt }, "outbox: mail delivered");
    } catch (error) {
      const backoff = Math.min(1000 * 2 ** (mail.attempts - 1), settings.maxBackoffMs);
      const message = error instanceof Error ? error.message : String(error);
      await store.markFailed(mail.id, clock.now() + backoff, message).catch((markError: unknown) => {
        logger.error({ err: markError, mailId: mail.id }, "outbox: could not record a failed delivery; the lease will expire and it is retried");
      });
      logger.warn({ mailId: mail.id, attempts: mail.attempts, retryInMs: backoff, error: message }, "outbox: delivery failed, will retry");
    }
  }
}
