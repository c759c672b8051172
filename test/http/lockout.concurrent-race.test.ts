import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { sharedTestService } from "../support/test-service.ts";
import { serviceDatabases } from "../support/backends.ts";
import { createCustomerStore } from "../../src/adapters/db/stores/customer-store.ts";
import type { PasswordHasher } from "../../src/core/kernel/ports.ts";

const THRESHOLD = 10;
const WRONG_ATTEMPTS = 19;
const HELD_PASSWORD = "the right password, held in the hash queue";

interface Held {
  /** Resolves once the held attempt is inside the hash queue. */
  reached: Promise<void>;
  release(): void;
}

/**
 * Holds the verification of HELD_PASSWORD until the test releases it: an attempt that read
 * the account as unlocked, then sat in the hash queue while other attempts locked it.
 */
class HashQueueHold {
  private current: { reached: () => void; released: Promise<void> } | null = null;
  private releaseCurrent: () => void = () => {};

  arm(): Held {
    let reached: () => void = () => {};
    const reachedPromise = new Promise<void>((resolve) => {
      reached = resolve;
    });
    const released = new Promise<void>((resolve) => {
      this.releaseCurrent = resolve;
    });
    this.current = { reached, released };
    return { reached: reachedPromise, release: () => this.releaseCurrent() };
  }

  releaseAll(): void {
    this.releaseCurrent();
  }

  wrap(inner: PasswordHasher): PasswordHasher {
    return {
      hash: (password) => inner.hash(password),
      needsRehash: (hash) => inner.needsRehash(hash),
      verifyAbsent: (password) => inner.verifyAbsent(password),
      verify: async (hash, password) => {
        const verified = await inner.verify(hash, password);
        const current = this.current;
        if (password === HELD_PASSWORD && current !== null) {
          current.reached();
          await current.released;
        }
        return verified;
      },
    };
  }
}

const BACKENDS = serviceDatabases();

for (const backend of BACKENDS) {
  describe(`concurrent wrong passwords cannot race past the lockout (${backend.name})`, () => {
    const hold = new HashQueueHold();
    // Before the close: a held request would keep the server from closing.
    after(() => hold.releaseAll());
    // Limits wide open: the lockout alone must hold under concurrency.
    const t = sharedTestService(async () => ({
      env: { LOCKOUT_THRESHOLD: String(THRESHOLD), RATE_LIMIT_PASSWORD_PER_LOGIN_ID: "1000/60", RATE_LIMIT_PASSWORD_PER_IP: "1000/60", ...(await backend.env()) },
      wrapHasher: (hasher) => hold.wrap(hasher),
    }));
    after(async () => {
      await backend.dropSchemas();
    });

    const attempt = (loginId: string, password: string) => t.client().post("/api/v1/login", { json: { loginId, password } });
    const answer = (response: Awaited<ReturnType<typeof attempt>>): string => `${response.statusCode} ${response.json().error?.code}`;

    it(`of ${WRONG_ATTEMPTS} parallel wrong passwords, at most ${THRESHOLD - 1} answer [5101]; the rest [5102], none counted past the lock`, async () => {
      const customer = await t.addCustomer();
      const answers = (await Promise.all(Array.from({ length: WRONG_ATTEMPTS }, (_, i) => attempt(customer.loginId, `wrong password ${i}`)))).map(answer);
      const sorted = [...answers].sort().join(", ");
      assert.equal(answers.filter((seen) => seen === "401 5101").length, THRESHOLD - 1, sorted);
      assert.equal(answers.filter((seen) => seen === "423 5102").length, WRONG_ATTEMPTS - THRESHOLD + 1, sorted);
      const stored = await createCustomerStore(t.service.database.db).findById(customer.customer.id);
      assert.equal(stored?.failedCount, THRESHOLD, "failures after the lock are refused, not counted");
      const events = (await t.auditEvents(customer.customer.id)).map((event) => event.event);
      assert.equal(events.filter((event) => event === "account.locked").length, 1);
    });

    for (const mfaEnabled of [true, false]) {
      it(`a right password read before the lock and verified after it gets [5102]: no code, no mail, no session (MFA ${mfaEnabled ? "on" : "off"})`, async () => {
        const customer = await t.addCustomer({ password: HELD_PASSWORD, mfaEnabled });
        const holding = hold.arm();
        const held = attempt(customer.loginId, HELD_PASSWORD);
        await holding.reached;
        for (let i = 0; i < THRESHOLD; i += 1) {
          await attempt(customer.loginId, "wrong password");
        }
        holding.release();
        const response = await held;
        assert.equal(answer(response), "423 5102", JSON.stringify(response.json()));
        const events = (await t.auditEvents(customer.customer.id)).map((event) => event.event);
        assert.equal(events.filter((event) => event === "code.sent" || event === "session.created").length, 0, events.join(", "));
        const pending = await t.service.database.db.selectFrom("mail_outbox").select("subject").where("recipient", "=", customer.email).execute();
        assert.deepEqual(pending.map((row) => row.subject), ["【OKB証券】口座ロックのお知らせ"], "only the lock notice");
      });
    }
  });
}
