import { before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { DEFAULT_OUTBOX_SETTINGS } from "../../src/adapters/mail/outbox-settings.ts";
import { sharedTestService } from "../support/test-service.ts";
import { outboxInstance, outboxRow, outboxStoreOf, testMail, until } from "../support/outbox-instance.ts";

// A code lives minutes; a customer waiting at the code screen notices a mail seconds late.
const TAKEOVER_WITHIN_MS = 20_000;

describe("a mail claimed by an instance killed with kill -9 goes out from another within seconds", () => {
  const t = sharedTestService();
  before(async () => {
    // This test plays the instances itself.
    await t.service.worker.stop();
  });

  it(`is delivered by a second instance ${TAKEOVER_WITHIN_MS / 1000} s after the first claimed it and died`, async () => {
    const mail = testMail(t, "killed@example.co.jp");
    const killed = outboxStoreOf(t);
    await killed.enqueue(mail);
    // Instance A claims the mail with its default lease, then dies before it sends or gives it back.
    const [claimed] = await killed.claim(t.clock.now(), DEFAULT_OUTBOX_SETTINGS.leaseMs, 10);
    assert.equal(claimed?.id, mail.id);

    const b = outboxInstance(t);
    b.worker.start();
    try {
      t.clock.advance(TAKEOVER_WITHIN_MS);
      await t.mailTo(mail.recipient);
      await until(async () => (await outboxRow(t, mail.id)).status === "sent", "B to record the delivery");
      assert.equal((await outboxRow(t, mail.id)).attempts, 2, "A's claim counts as a try");
    } finally {
      await b.stop();
    }
  });

  it("never lets a send run past the lease that guards it", () => {
    assert.ok(DEFAULT_OUTBOX_SETTINGS.leaseMs <= TAKEOVER_WITHIN_MS);
    assert.ok(DEFAULT_OUTBOX_SETTINGS.sendTimeoutMs < DEFAULT_OUTBOX_SETTINGS.leaseMs, "the send is cut before another instance may take the mail");
  });
});
