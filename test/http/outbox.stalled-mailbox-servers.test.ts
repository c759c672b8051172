import { afterEach, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { DEFAULT_OUTBOX_SETTINGS } from "../../src/adapters/mail/outbox-settings.ts";
import { sharedTestService } from "../support/test-service.ts";
import { StallingSmtpServer } from "../support/stalling-smtp-server.ts";
import { outboxInstance, testMail } from "../support/outbox-instance.ts";
import type { OutboxInstance } from "../support/outbox-instance.ts";

const SLOW = "@slow-mailbox.example";
const stalls = (relay: StallingSmtpServer): number => relay.events.filter((event) => event.kind === "stalled").length;
const stallEnds = (relay: StallingSmtpServer): number => relay.events.filter((event) => event.kind === "stall-ended").length;

/**
 * Issue 17 §11: ten stalled SMTP conversations delayed every code ~19 s (one: 0.04 s).
 * The relay here holds every mail for one slow mailbox server in its DATA phase (as a
 * relay that verifies with the recipient's server does); mail for everyone else it
 * accepts at once. A customer notices one thing: does my code come now, or only after
 * the stalls have timed out? So each test records the order on the relay.
 */
describe("stalled conversations with a slow mailbox server do not hold other customers' codes", () => {
  const t = sharedTestService();
  let relay: StallingSmtpServer | null = null;
  let instance: OutboxInstance | null = null;
  before(async () => {
    // This test plays the instance itself, against a relay that stalls.
    await t.service.worker.stop();
  });
  afterEach(async () => {
    // Closing the relay first ends the stalled conversations the worker would otherwise wait for.
    await relay?.close();
    relay = null;
    await instance?.stop();
    instance = null;
  });

  async function slowMailboxRelay(): Promise<StallingSmtpServer> {
    relay = new StallingSmtpServer({ stallTo: (recipient) => recipient.endsWith(SLOW) });
    await relay.listen();
    return relay;
  }

  it("with ten conversations stalled (production settings), a new code arrives at once, while all of them still stall", async () => {
    const server = await slowMailboxRelay();
    // The product's own settings: connections, timeouts (10 s of silence), lease.
    instance = outboxInstance(t, { smtpUrl: server.url, settings: { pollIntervalMs: DEFAULT_OUTBOX_SETTINGS.pollIntervalMs } });
    const { worker, store } = instance;
    worker.start();
    for (let n = 0; n < 10; n += 1) {
      await store.enqueue(testMail(t, `customer${n}${SLOW}`));
    }
    worker.notify();
    // Before the fix, five (the pool's size) were all that ever stalled at once.
    await server.waitFor(() => stalls(server) >= 5, "the slow mails' conversations to stall");
    await new Promise((resolve) => setTimeout(resolve, 300));

    const code = testMail(t, "fresh-code@example.co.jp");
    const queuedAt = Date.now();
    await store.enqueue(code);
    worker.notify();
    await server.waitFor(() => server.received().includes(code.recipient), "the fresh code", 15_000);
    const arrivedAfterMs = Date.now() - queuedAt;

    assert.equal(stallEnds(server), 0, "the fresh code arrived while every stalled conversation was still stalled, not after they timed out");
    assert.equal(stalls(server), 10, "all ten slow mails were in conversation side by side, none waiting behind another");
    // Generous for a busy machine; before the fix it was the 10 s socket timeout, or two of them.
    assert.ok(arrivedAfterMs < 3000, `the fresh code arrived ${arrivedAfterMs} ms after it was queued`);
  });

  it("mails that stall on every try hold at most half the slots on their retries: a new code still finds one free", async () => {
    const server = await slowMailboxRelay();
    // A small pool (4) to reach the cap with few mails; 1 s of silence ends a stalled try.
    instance = outboxInstance(t, { smtpUrl: server.url, smtp: { socketTimeoutMs: 1000 }, settings: { maxInFlight: 4 } });
    const { worker, store } = instance;
    worker.start();
    for (let n = 0; n < 4; n += 1) {
      await store.enqueue(testMail(t, `again${n}${SLOW}`));
    }
    worker.notify();
    // First tries: all four slots stall, then time out and are recorded as failures.
    await server.waitFor(() => stalls(server) === 4, "the four first tries to stall");
    await server.waitFor(() => stallEnds(server) === 4, "the four first tries to time out", 8000);
    await new Promise((resolve) => setTimeout(resolve, 200));

    // Their retries come due (past the backoff, on the worker's clock) and stall again.
    t.clock.advance(DEFAULT_OUTBOX_SETTINGS.maxBackoffMs);
    worker.notify();
    await server.waitFor(() => stalls(server) >= 6, "retries to stall again");
    await new Promise((resolve) => setTimeout(resolve, 200));

    const code = testMail(t, "next-code@example.co.jp");
    await store.enqueue(code);
    worker.notify();
    await server.waitFor(() => server.received().includes(code.recipient), "the new code", 8000);

    assert.equal(stallEnds(server), 4, "the new code arrived while the retries were still stalled, not after they timed out");
    assert.equal(stalls(server) - 4, 2, "two retries (half of four slots) were in conversation, the other two waited");
  });
});
