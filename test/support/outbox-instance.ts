import { randomUUID } from "node:crypto";
import { pino } from "pino";
import { createOutboxStore } from "../../src/adapters/db/outbox-store.ts";
import type { OutboxStore } from "../../src/adapters/db/outbox-store.ts";
import { createKeyringSealer } from "../../src/adapters/crypto/body-sealer.ts";
import { deriveKeyring } from "../../src/adapters/crypto/keyring.ts";
import { OutboxWorker } from "../../src/adapters/mail/outbox-worker.ts";
import { DEFAULT_OUTBOX_SETTINGS } from "../../src/adapters/mail/outbox-settings.ts";
import type { OutboxWorkerSettings } from "../../src/adapters/mail/outbox-settings.ts";
import { createSmtpTransport } from "../../src/adapters/mail/smtp-transport.ts";
import type { MailTransport, SmtpTimeouts } from "../../src/adapters/mail/smtp-transport.ts";
import type { OutboxMail } from "../../src/core/kernel/ports.ts";
import type { TestService } from "./test-service.ts";

/** Another handle on the test service's outbox table, as a second instance would have. */
export function outboxStoreOf(t: TestService): OutboxStore {
  return createOutboxStore(t.service.database.db, t.service.database.dialect, createKeyringSealer(deriveKeyring(t.config.serverSecrets, "outbox-seal")));
}

export interface OutboxInstance {
  worker: OutboxWorker;
  store: OutboxStore;
  transport: MailTransport;
  /** Stops the worker and closes its SMTP pool. */
  stop(): Promise<void>;
}

/**
 * One more outbox worker on the test service's database and clock (a second
 * instance), delivering to `smtpUrl`. Tests that play the instances themselves
 * stop the service's own worker first.
 */
export function outboxInstance(
  t: TestService,
  options: { smtpUrl?: string; smtp?: Partial<SmtpTimeouts>; settings?: Partial<OutboxWorkerSettings>; store?: OutboxStore } = {},
): OutboxInstance {
  const store = options.store ?? outboxStoreOf(t);
  const transport = createSmtpTransport(options.smtpUrl ?? t.smtp.url, t.config.mailFrom, { timeouts: options.smtp });
  const worker = new OutboxWorker({
    store,
    transport,
    clock: t.clock,
    logger: pino({ level: "silent" }),
    settings: { ...DEFAULT_OUTBOX_SETTINGS, pollIntervalMs: 50, ...options.settings },
  });
  return {
    worker,
    store,
    transport,
    async stop(): Promise<void> {
      await worker.stop();
      transport.close();
    },
  };
}

/** A mail to `recipient`, queued now on the test clock. */
export function testMail(t: TestService, recipient: string): OutboxMail {
  return { id: randomUUID(), recipient, subject: "テスト", body: "本文", createdAt: t.clock.now() };
}

/** The outbox row of mail `id`. */
export function outboxRow(t: TestService, id: string): Promise<{ status: string; attempts: number; claimed_until: number | null; next_attempt_at: number; last_error: string | null }> {
  return t.service.database.db
    .selectFrom("mail_outbox")
    .select(["status", "attempts", "claimed_until", "next_attempt_at", "last_error"])
    .where("id", "=", id)
    .executeTakeFirstOrThrow();
}

/** Polls `check` every 20 ms until it holds; fails naming `what` after `timeoutMs`. */
export async function until(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
