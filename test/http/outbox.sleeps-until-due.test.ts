import { before, describe, it } from "node:test";
import type { TestContext } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { pino } from "pino";
import { systemClock } from "../../src/adapters/crypto/node-random.ts";
import { OutboxWorker } from "../../src/adapters/mail/outbox-worker.ts";
import { DEFAULT_OUTBOX_SETTINGS } from "../../src/adapters/mail/outbox-settings.ts";
import type { OutboxWorkerSettings } from "../../src/adapters/mail/outbox-settings.ts";
import { createSmtpTransport } from "../../src/adapters/mail/smtp-transport.ts";
import type { OutboxStore } from "../../src/adapters/db/outbox-store.ts";
import type { OutboxMail } from "../../src/core/kernel/ports.ts";
import { sharedTestService } from "../support/test-service.ts";
import { outboxRow, outboxStoreOf, until } from "../support/outbox-instance.ts";

// Issue 23: the outbox worker polled its table every 500 ms, some 3 ms of CPU per second on an idle
// server. It sleeps until the next mail falls due now. Here the poll is a minute away, so every mail
// below that arrives in time was woken for by its due time alone, on the real clock.
const NO_POLL = 60_000;
// How late after its due time a mail may reach the SMTP server on a busy machine (the old poll alone
// would have added up to 500 ms; no poll at all, a minute).
const ON_TIME_MS = 450;

describe("an idle outbox worker sleeps until its next mail falls due, not polling (issue 23)", () => {
  const t = sharedTestService();
  let store: OutboxStore;
  before(async () => {
    // This test runs its own worker, on the real clock.
    await t.service.worker.stop();
    store = outboxStoreOf(t);
  });

  /** A worker of its own with its own SMTP pool, both closed when the test ends (an open pooled connection would hold the SMTP server's close). */
  function startWorker(context: TestContext, settings: Partial<OutboxWorkerSettings> = {}): void {
    const transport = createSmtpTransport(t.smtp.url, t.config.mailFrom);
    const worker = new OutboxWorker({ store, transport, clock: systemClock, logger: pino({ level: "silent" }), settings: { ...DEFAULT_OUTBOX_SETTINGS, pollIntervalMs: NO_POLL, ...settings } });
    context.after(async () => {
        transport.close();
    });
    worker.start();
  }

  async function queued(): Promise<OutboxMail> {
    const mail = { id: randomUUID(), recipient: `due-${randomUUID().slice(0, 8)}@example.co.jp`, subject: "テスト", body: "本文", createdAt: Date.now() };
    await store.enqueue(mail);
    return mail;
  }

  async function arrivalAfter(mail: OutboxMail, dueAt: number): Promise<number> {
    const arrived = await t.smtp.waitFor((caught) => caught.to === mail.recipient, NO_POLL / 2);
    return arrived.receivedAt - dueAt;
  }

  it("a mail the relay refused is sent again at the end of its backoff", async (context) => {
    t.smtp.refuseAll = true;
    const mail = await queued();
    startWorker(context);
    try {
      await until(async () => (await outboxRow(t, mail.id)).last_error !== null, "the refusal recorded");
    } finally {
      t.smtp.refuseAll = false;
    }
    const row = await outboxRow(t, mail.id);
    assert.equal(row.attempts, 1);
    assert.ok(row.next_attempt_at - Date.now() > 500, "the first backoff (1 s) is still running");
    const late = await arrivalAfter(mail, row.next_attempt_at);
    assert.ok(late >= 0 && late < ON_TIME_MS, `sent ${late} ms after its retry was due`);
  });

  it("a retry a previous process scheduled is sent at its time after a start", async (context) => {
    const mail = await queued();
    await store.claim(Date.now(), DEFAULT_OUTBOX_SETTINGS.leaseMs, 10);
    const dueAt = Date.now() + 800;
    await store.markFailed(mail.id, dueAt, "timeout");
    startWorker(context);
    const late = await arrivalAfter(mail, dueAt);
    assert.ok(late >= 0 && late < ON_TIME_MS, `sent ${late} ms after its retry was due`);
  });

  it("a mail held by an instance killed mid-send goes out when its lease ends", async (context) => {
    const mail = await queued();
    const leaseMs = 1000;
    // The killed instance's claim: the mail is its own until the lease ends.
    const claimedAt = Date.now();
    assert.equal((await store.claim(claimedAt, leaseMs, 10)).length, 1);
    startWorker(context);
    const late = await arrivalAfter(mail, claimedAt + leaseMs);
    assert.ok(late >= 0 && late < ON_TIME_MS, `sent ${late} ms after the lease ended`);
    assert.equal((await outboxRow(t, mail.id)).attempts, 2, "the killed instance's claim counts as a try");
  });

  it("a mail another process queued without waking this worker (the CLI's notices) is found by the slow poll", async (context) => {
    startWorker(context, { pollIntervalMs: 300 });
    // Past the worker's first look at start.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const mail = await queued();
    const late = await arrivalAfter(mail, mail.createdAt);
    assert.ok(late < 300 + ON_TIME_MS, `sent ${late} ms after it was queued`);
  });
});
