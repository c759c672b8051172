import { before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { sharedTestService } from "../support/test-service.ts";
import { outboxInstance, outboxStoreOf } from "../support/outbox-instance.ts";

describe("a stopping outbox worker gives back the mails it claimed but did not send", () => {
  const t = sharedTestService();
  before(async () => {
    // This test plays the instances itself.
    await t.service.worker.stop();
  });

  const row = () => t.service.database.db.selectFrom("mail_outbox").select(["status", "attempts", "claimed_until"]).executeTakeFirstOrThrow();

  it("releases a batch claimed as SIGTERM came, so another instance sends it at once, not after the lease", async () => {
    const customer = await t.addCustomer();
    await t.client().post("/login", { form: { loginId: customer.loginId, password: customer.password } });
    assert.equal((await row()).status, "pending");

    // Instance A's claim reaches the database, then stop() comes before A sees the batch.
    let claimed!: () => void;
    const claimDone = new Promise<void>((resolve) => (claimed = resolve));
    let letGo!: () => void;
    const gate = new Promise<void>((resolve) => (letGo = resolve));
    const inner = outboxStoreOf(t);
    // Each instance's SMTP pool is closed with it: an open pooled connection would hold the catcher's close for 10 s.
    const a = outboxInstance(t, {
      store: {
        ...inner,
        async claim(now, leaseMs, limit) {
          const batch = await inner.claim(now, leaseMs, limit);
          if (batch.length > 0) {
            claimed();
            await gate;
          }
          return batch;
        },
      },
    });
    a.worker.start();
    await claimDone;
    const leased = await row();
    assert.notEqual(leased.claimed_until, null, "A holds the lease");
    assert.equal(leased.attempts, 1);
    const stopping = a.stop();
    letGo();
    await stopping;

    const released = await row();
    assert.deepEqual(released, { status: "pending", attempts: 0, claimed_until: null }, "free again, and the untried attempt not counted");
    assert.equal(t.smtp.mails.length, 0, "A sent nothing after stop");

    // Instance B, with the clock standing still: well inside A's 60 s lease.
    const b = outboxInstance(t);
    b.worker.start();
    try {
      const mail = await t.mailTo(customer.email);
      assert.match(mail.text, /認証コード: \d{6}/);
    } finally {
      await b.stop();
    }
    assert.equal((await row()).status, "sent");
  });
});
