import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import type { Customer, CustomerStore, MailOutbox, OutboxMail } from "../../src/core/kernel/ports.ts";
import type { Database } from "../../src/adapters/db/schema.ts";
import { createCustomerStore } from "../../src/adapters/db/stores/customer-store.ts";
import { createChallengeStore } from "../../src/adapters/db/stores/challenge-store.ts";
import { createStepUpStore } from "../../src/adapters/db/stores/step-up-store.ts";
import { createSessionStore } from "../../src/adapters/db/stores/session-store.ts";
import { createMailOutbox } from "../../src/adapters/db/mail-outbox.ts";
import { DB_BACKENDS, seedCustomer, testSealer } from "../support/db-backends.ts";
import { NOW, newLogin, newSession } from "../support/rows.ts";

function mailTo(recipient: string): OutboxMail {
  return { id: randomUUID(), recipient, subject: "重要メール変更のお知らせ", body: "本文", createdAt: NOW };
}

async function codeStatuses(db: Kysely<Database>, table: "login_challenges" | "step_up_codes", customerId: string): Promise<string[]> {
  const rows = await db.selectFrom(table).select("status").where("customer_id", "=", customerId).orderBy("id").execute();
  return rows.map((row) => row.status).sort();
}

async function queuedFor(db: Kysely<Database>, recipients: string[]): Promise<string[]> {
  const rows = await db.selectFrom("mail_outbox").select("recipient").where("recipient", "in", recipients).execute();
  return rows.map((row) => row.recipient).sort();
}

// The store methods the call center's actions need (issue 12 §4), on every backend.
for (const backend of DB_BACKENDS) {
  describe(`console action stores contract (${backend.name})`, () => {
    let db: Kysely<Database>;
    let customers: CustomerStore;
    let outbox: MailOutbox;
    let seed: () => Promise<Customer>;
    let close: () => Promise<void>;
    before(async () => {
      const opened = await backend.open();
      db = opened.handle.db;
      customers = createCustomerStore(db);
      outbox = createMailOutbox(db, testSealer(), () => {});
      seed = () => seedCustomer(opened.handle);
      close = opened.close;
    });
    after(() => close());

    it("unfreeze lifts a freeze once; false when not frozen", async () => {
      const customer = await seed();
      assert.equal(await customers.unfreeze(customer.id), false);
      await customers.freeze(customer.id, NOW);
      assert.equal(await customers.unfreeze(customer.id), true);
      assert.equal((await customers.findById(customer.id))?.frozenAt, null);
      assert.equal(await customers.unfreeze(customer.id), false);
    });

    it("setMfaEnabled changes MFA and answers false when it already was so", async () => {
      const customer = await seed();
      assert.equal(await customers.setMfaEnabled(customer.id, true), false);
      assert.equal(await customers.setMfaEnabled(customer.id, false), true);
      assert.equal((await customers.findById(customer.id))?.mfaEnabled, false);
      assert.equal(await customers.setMfaEnabled(customer.id, false), false);
      assert.equal(await customers.setMfaEnabled(customer.id, true), true);
      assert.equal((await customers.findById(customer.id))?.mfaEnabled, true);
    });

    it("changeEmail changes the address only while it still is `from`", async () => {
      const customer = await seed();
      assert.equal(await customers.changeEmail(customer.id, "someone.else@example.jp", "new@example.jp"), false);
      assert.equal((await customers.findById(customer.id))?.email, customer.email);
      assert.equal(await customers.changeEmail(customer.id, customer.email, "new@example.jp"), true);
      assert.equal((await customers.findById(customer.id))?.email, "new@example.jp");
      assert.equal(await customers.changeEmail(customer.id, customer.email, "third@example.jp"), false, "a second operator who read the old address loses");
    });

    it("supersedePending supersedes the customer's pending login and step-up codes only, every purpose", async () => {
      const customer = await seed();
      const other = await seed();
      const challenges = createChallengeStore(db);
      const stepUps = createStepUpStore(db);
      const challenge = (owner: Customer) => ({ id: randomUUID(), customerId: owner.id, codeHmac: "h", preauthHash: randomUUID(), status: "pending" as const, failedAttempts: 0, sentAt: NOW, expiresAt: NOW + 600_000, ip: "192.0.2.1", userAgent: "t" });
      const stepUp = (owner: Customer, purpose: "password_change" | "password_reset") => ({ id: randomUUID(), customerId: owner.id, purpose, bindingHash: randomUUID(), codeHmac: "h", status: "pending" as const, failedAttempts: 0, sentAt: NOW, expiresAt: NOW + 600_000 });
      await challenges.start(challenge(customer));
      await challenges.start(challenge(other));
      await stepUps.start(stepUp(customer, "password_change"));
      await stepUps.start(stepUp(customer, "password_reset"));
      await stepUps.start(stepUp(other, "password_change"));
      assert.equal(await challenges.supersedePending(customer.id), 1);
      assert.equal(await stepUps.supersedePending(customer.id), 2);
      assert.deepEqual(await codeStatuses(db, "login_challenges", customer.id), ["superseded"]);
      assert.deepEqual(await codeStatuses(db, "step_up_codes", customer.id), ["superseded", "superseded"]);
      assert.deepEqual(await codeStatuses(db, "login_challenges", other.id), ["pending"]);
      assert.deepEqual(await codeStatuses(db, "step_up_codes", other.id), ["pending"]);
      assert.equal(await challenges.supersedePending(customer.id), 0);
    });

    it("queueWith queues several mails with the change, or none of them when the change declines", async () => {
      const customer = await seed();
      const sessions = createSessionStore(db);
      await sessions.create(newSession(customer), newLogin(customer));
      const changed = await outbox.queueWith([mailTo(customer.email), mailTo("new@example.jp")], async (stores) => {
        if (!(await stores.customers.changeEmail(customer.id, customer.email, "new@example.jp"))) {
          return false;
        }
        return (await stores.sessions.endAllForCustomer(customer.id, NOW, "ended_by_operator")) === 1;
      });
      assert.equal(changed, true);
      assert.deepEqual(await queuedFor(db, [customer.email, "new@example.jp"]), [customer.email, "new@example.jp"].sort());
      assert.deepEqual(await sessions.listOpen(customer.id), []);

      const declined = await outbox.queueWith([mailTo("a@example.jp"), mailTo("b@example.jp")], async (stores) => {
        await stores.customers.setMfaEnabled(customer.id, false);
        return false;
      });
      assert.equal(declined, false);
      assert.deepEqual(await queuedFor(db, ["a@example.jp", "b@example.jp"]), []);
      assert.equal((await customers.findById(customer.id))?.mfaEnabled, true, "the declined change is rolled back");
    });
  });
}
