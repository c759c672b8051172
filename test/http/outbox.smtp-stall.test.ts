import { afterEach, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { pino } from "pino";
import { OutboxWorker } from "../../src/adapters/mail/outbox-worker.ts";
import { DEFAULT_OUTBOX_SETTINGS } from "../../src/adapters/mail/outbox-settings.ts";
import type { OutboxWorkerSettings } from "../../src/adapters/mail/outbox-settings.ts";
import { sharedTestService } from "../support/test-service.ts";
import { StallingSmtpServer } from "../support/stalling-smtp-server.ts";
import { outboxInstance, outboxRow, outboxStoreOf, testMail, until } from "../support/outbox-instance.ts";
import type { OutboxInstance } from "../support/outbox-instance.ts";

describe("one stalled SMTP conversation does not delay every customer's code", () => {
  const t = sharedTestService();
  let openRelay: StallingSmtpServer | null = null;
  let instance: OutboxInstance | null = null;
  before(async () => {
    // This test plays the instance itself, against a relay that stalls.
    await t.service.worker.stop();
  });
  afterEach(async () => {
    // Closing the relay first ends a stalled conversation the worker would otherwise wait for.
    await openRelay?.close();
    openRelay = null;
    await instance?.stop();
    instance = null;
  });

  async function stallingRelay(): Promise<StallingSmtpServer> {
    const server = new StallingSmtpServer();
    await server.listen();
    openRelay = server;
    return server;
  }

  it("delivers the next five codes while the first one's DATA phase is stalled, then fails the stalled one by timeout and retries it", async () => {
    const relay = await stallingRelay();
    // Test timeouts: 1.5 s of silence ends the stalled conversation (production: 10 s).
    instance = outboxInstance(t, { smtpUrl: relay.url, smtp: { socketTimeoutMs: 1500 } });
    const { worker, store } = instance;
    worker.start();

    const first = testMail(t, "first@example.co.jp");
    await store.enqueue(first);
    worker.notify();
    await relay.waitFor(() => relay.events.some((event) => event.kind === "stalled"), "the first mail's DATA to stall");

    const next = ["a", "b", "c", "d", "e"].map((name) => testMail(t, `${name}@example.co.jp`));
    for (const mail of next) {
      await store.enqueue(mail);
      worker.notify();
    }
    await relay.waitFor(() => relay.received().length >= 5, "the next five mails", 3000);
    const kinds = relay.events.map((event) => event.kind);
    assert.deepEqual(kinds.slice(0, 6), ["stalled", "received", "received", "received", "received", "received"], "all five arrived while the first was still stalled");
    assert.deepEqual([...relay.received()].sort(), next.map((mail) => mail.recipient).sort());

    // The stalled send ends by the socket timeout and is recorded as a failure, still pending.
    await until(async () => (await outboxRow(t, first.id)).last_error !== null, "the stalled mail to fail");
    await relay.waitFor(() => relay.events.some((event) => event.kind === "stall-ended"), "the client to give up the stalled conversation");
    const failed = await outboxRow(t, first.id);
    assert.equal(failed.status, "pending", "kept in the outbox, not dropped");
    assert.equal(failed.claimed_until, null);
    assert.equal(failed.attempts, 1);
    assert.match(failed.last_error ?? "", /time/i);

    // Retried later (past any backoff on the worker's clock): this time the relay answers.
    t.clock.advance(DEFAULT_OUTBOX_SETTINGS.maxBackoffMs);
    await relay.waitFor(() => relay.received().includes(first.recipient), "the retry of the stalled mail");
    await until(async () => (await outboxRow(t, first.id)).status === "sent", "the retry to be recorded");
    assert.equal((await outboxRow(t, first.id)).attempts, 2);
  });

  it("cuts a send at its own deadline and closes the conversation, well inside the lease", async () => {
    const relay = await stallingRelay();
    // The socket would wait a minute; the mail's own deadline (1 s here) ends it first.
    instance = outboxInstance(t, { smtpUrl: relay.url, smtp: { socketTimeoutMs: 60_000 }, settings: { sendTimeoutMs: 1000 } });
    const { worker, store } = instance;
    worker.start();
    const mail = testMail(t, "deadline@example.co.jp");
    await store.enqueue(mail);
    worker.notify();
    await relay.waitFor(() => relay.events.some((event) => event.kind === "stalled"), "the DATA phase to stall");
    assert.equal(relay.events[0]?.to, mail.recipient);
    // Closed by the client, so the relay cannot accept the mail after the worker gave up on it.
    await relay.waitFor(() => relay.events.some((event) => event.kind === "stall-ended"), "the client to close the stalled conversation", 4000);
    await until(async () => (await outboxRow(t, mail.id)).last_error !== null, "the failure to be recorded");
    const failed = await outboxRow(t, mail.id);
    assert.equal(failed.status, "pending");
    assert.equal(failed.claimed_until, null, "the lease was given up with the failure, not left to run out");
  });

  it("refuses settings where a send could outlive its lease", () => {
    const build = (settings: Partial<OutboxWorkerSettings>): OutboxWorker =>
      new OutboxWorker({
        store: outboxStoreOf(t),
        // Never used: the constructor refuses the settings first.
        transport: { send: () => Promise.resolve(null), verify: () => Promise.resolve(), close: () => undefined },
        clock: t.clock,
        logger: pino({ level: "silent" }),
        settings: { ...DEFAULT_OUTBOX_SETTINGS, ...settings },
      });
    assert.ok(DEFAULT_OUTBOX_SETTINGS.sendTimeoutMs < DEFAULT_OUTBOX_SETTINGS.leaseMs, "the default send timeout is shorter than the lease");
    assert.throws(() => build({ sendTimeoutMs: 20_000, leaseMs: 20_000 }), /lease/);
  });
});
