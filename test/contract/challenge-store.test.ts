import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import type { ChallengeStore, Customer, LoginChallenge, MailOutbox, OutboxMail } from "../../src/core/kernel/ports.ts";
import type { DatabaseHandle } from "../../src/adapters/db/connect.ts";
import type { Database } from "../../src/adapters/db/schema.ts";
import { challengeRow, createChallengeStore } from "../../src/adapters/db/stores/challenge-store.ts";
import { createCustomerStore } from "../../src/adapters/db/stores/customer-store.ts";
import { createMailOutbox } from "../../src/adapters/db/mail-outbox.ts";
import { DB_BACKENDS, seedCustomer, testSealer } from "../support/db-backends.ts";
import { newLogin, newSession } from "../support/rows.ts";

const NOW = Date.UTC(2026, 10, 25, 0, 30, 0);

function newChallenge(customer: Customer, overrides: Partial<LoginChallenge> = {}): LoginChallenge {
  return {
    id: randomUUID(),
    customerId: customer.id,
    codeHmac: randomUUID().replaceAll("-", ""),
    preauthHash: randomUUID().replaceAll("-", ""),
    status: "pending",
    failedAttempts: 0,
    sentAt: NOW,
    expiresAt: NOW + 600_000,
    ip: "192.0.2.10",
    userAgent: "contract-test",
    ...overrides,
  };
}

function newMail(customer: Customer, overrides: Partial<OutboxMail> = {}): OutboxMail {
  return {
    id: randomUUID(),
    recipient: customer.email,
    subject: "ログイン確認コード",
    body: "確認コード: 123456",
    createdAt: NOW,
    ...overrides,
  };
}

async function statusOf(db: Kysely<Database>, id: string): Promise<string | undefined> {
  const row = await db.selectFrom("login_challenges").select("status").where("id", "=", id).executeTakeFirst();
  return row?.status;
}

async function mailIds(db: Kysely<Database>): Promise<string[]> {
  const rows = await db.selectFrom("mail_outbox").select("id").execute();
  return rows.map((row) => row.id);
}

async function countRows(db: Kysely<Database>, table: "sessions" | "login_history", customerId: string): Promise<number> {
  const row = await db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("customer_id", "=", customerId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

for (const backend of DB_BACKENDS) {
  describe(`challenge store contract (${backend.name})`, () => {
    let handle: DatabaseHandle;
    let db: Kysely<Database>;
    let store: ChallengeStore;
    let outbox: MailOutbox;
    let close: () => Promise<void>;
    /** A challenge and its code mail, in one transaction, as the login flow starts them. */
    const start = (challenge: LoginChallenge, mail: OutboxMail): Promise<boolean> => outbox.queueWith(mail, (stores) => stores.challenges.start(challenge));
    before(async () => {
      const opened = await backend.open();
      handle = opened.handle;
      db = handle.db;
      store = createChallengeStore(db);
      outbox = createMailOutbox(db, testSealer(), () => {});
      close = opened.close;
    });
    after(async () => {
      await close();
    });

    it("start stores the challenge and its mail, sealed; findByPreauthHash finds it with times as numbers", async () => {
      const customer = await seedCustomer(handle);
      const challenge = newChallenge(customer);
      const mail = newMail(customer);
      await start(challenge, mail);
      const found = await store.findByPreauthHash(challenge.preauthHash);
      assert.deepEqual(found, challenge);
      assert.equal(typeof found?.sentAt, "number");
      assert.equal(typeof found?.expiresAt, "number");
      const row = await db.selectFrom("mail_outbox").selectAll().where("id", "=", mail.id).executeTakeFirstOrThrow();
      assert.equal(row.status, "pending");
      assert.equal(row.recipient, customer.email);
      assert.equal(row.next_attempt_at, NOW);
      // The database never holds a readable code.
      assert.ok(!row.body.includes("123456"));
      assert.equal(testSealer().open(row.body), mail.body);
    });

    it("findByPreauthHash and latestForCustomer return null when there is nothing", async () => {
      const customer = await seedCustomer(handle);
      assert.equal(await store.findByPreauthHash("no-such-hash"), null);
      assert.equal(await store.latestForCustomer(customer.id), null);
    });

    it("start supersedes every pending challenge of that customer only", async () => {
      const customer = await seedCustomer(handle);
      const other = await seedCustomer(handle);
      const pendingA = newChallenge(customer, { sentAt: NOW });
      const pendingB = newChallenge(customer, { sentAt: NOW + 1 });
      const othersPending = newChallenge(other, { sentAt: NOW + 1 });
      await start(othersPending, newMail(other));
      // Inserted directly: start itself would supersede A while inserting B.
      for (const challenge of [pendingA, pendingB]) {
        await db.insertInto("login_challenges").values(challengeRow(challenge)).execute();
      }
      const burned = newChallenge(customer, { sentAt: NOW + 2 });
      await start(burned, newMail(customer));
      await store.recordWrongCode(burned.id, 1);
      assert.equal(await statusOf(db, pendingA.id), "superseded");
      assert.equal(await statusOf(db, pendingB.id), "superseded");

      const newest = newChallenge(customer, { sentAt: NOW + 3 });
      await start(newest, newMail(customer));
      assert.equal(await statusOf(db, burned.id), "burned");
      assert.equal(await statusOf(db, newest.id), "pending");
      assert.equal(await statusOf(db, othersPending.id), "pending");
    });

    it("start leaves nothing behind when the challenge insert fails: no supersede, no mail", async () => {
      const customer = await seedCustomer(handle);
      const first = newChallenge(customer);
      await start(first, newMail(customer));
      const mailsBefore = await mailIds(db);
      const failingMail = newMail(customer);
      // A repeated challenge ID violates the primary key after the supersede ran.
      await assert.rejects(start(newChallenge(customer, { id: first.id, sentAt: NOW + 1 }), failingMail));
      assert.equal(await statusOf(db, first.id), "pending");
      assert.deepEqual((await mailIds(db)).sort(), mailsBefore.sort());
    });

    it("start leaves nothing behind when the mail insert fails: no supersede, no challenge", async () => {
      const customer = await seedCustomer(handle);
      const firstMail = newMail(customer);
      const first = newChallenge(customer);
      await start(first, firstMail);
      const second = newChallenge(customer, { sentAt: NOW + 1 });
      await assert.rejects(start(second, newMail(customer, { id: firstMail.id })));
      assert.equal(await statusOf(db, first.id), "pending");
      assert.equal(await statusOf(db, second.id), undefined);
      assert.deepEqual(await store.latestForCustomer(customer.id), first);
    });

    it("latestForCustomer returns the most recent challenge in any state", async () => {
      const customer = await seedCustomer(handle);
      const older = newChallenge(customer, { sentAt: NOW });
      const newer = newChallenge(customer, { sentAt: NOW + 60_000 });
      await start(older, newMail(customer));
      await start(newer, newMail(customer));
      await store.markExpired(newer.id);
      assert.deepEqual(await store.latestForCustomer(customer.id), { ...newer, status: "expired" });
    });

    it("previousForCustomer returns the customer's earlier challenges in any state, newest first, at most limit, never itself", async () => {
      const customer = await seedCustomer(handle);
      const other = await seedCustomer(handle);
      const first = newChallenge(customer, { sentAt: NOW });
      const second = newChallenge(customer, { sentAt: NOW + 60_000 });
      const third = newChallenge(customer, { sentAt: NOW + 120_000 });
      const othersEarlier = newChallenge(other, { sentAt: NOW + 30_000 });
      await start(othersEarlier, newMail(other));
      for (const challenge of [first, second, third]) {
        await start(challenge, newMail(customer));
      }
      assert.deepEqual(await store.previousForCustomer(third, 5), [
        { ...second, status: "superseded" },
        { ...first, status: "superseded" },
      ]);
      assert.deepEqual(await store.previousForCustomer(third, 1), [{ ...second, status: "superseded" }]);
      assert.deepEqual(await store.previousForCustomer(second, 5), [{ ...first, status: "superseded" }], "nothing sent later");
      assert.deepEqual(await store.previousForCustomer(first, 5), []);
      assert.deepEqual(await store.previousForCustomer(othersEarlier, 5), [], "only that customer's");
    });

    it("recordWrongCode counts, burns at maxAttempts, and returns null once the challenge is not pending", async () => {
      const customer = await seedCustomer(handle);
      const challenge = newChallenge(customer);
      await start(challenge, newMail(customer));
      assert.deepEqual(await store.recordWrongCode(challenge.id, 3), { failedAttempts: 1, status: "pending" });
      assert.deepEqual(await store.recordWrongCode(challenge.id, 3), { failedAttempts: 2, status: "pending" });
      assert.deepEqual(await store.recordWrongCode(challenge.id, 3), { failedAttempts: 3, status: "burned" });
      assert.equal(await store.recordWrongCode(challenge.id, 3), null);
      assert.equal((await store.findByPreauthHash(challenge.preauthHash))?.failedAttempts, 3);
      assert.equal(await store.recordWrongCode(randomUUID(), 3), null);
    });

    it("10 concurrent wrong codes with maxAttempts 5: exactly 5 count and the challenge burns once", async () => {
      const customer = await seedCustomer(handle);
      const challenge = newChallenge(customer);
      await start(challenge, newMail(customer));
      const results = await Promise.all(Array.from({ length: 10 }, () => store.recordWrongCode(challenge.id, 5)));
      const counted = results.filter((result) => result !== null);
      assert.deepEqual(
        counted.map((result) => result.failedAttempts).sort((a, b) => a - b),
        [1, 2, 3, 4, 5],
      );
      assert.equal(counted.filter((result) => result.status === "burned").length, 1);
      const stored = await store.findByPreauthHash(challenge.preauthHash);
      assert.equal(stored?.status, "burned");
      assert.equal(stored?.failedAttempts, 5);
    });

    it("markExpired moves only a pending challenge to expired", async () => {
      const customer = await seedCustomer(handle);
      const pending = newChallenge(customer);
      await start(pending, newMail(customer));
      await store.markExpired(pending.id);
      assert.equal(await statusOf(db, pending.id), "expired");

      const used = newChallenge(customer, { sentAt: NOW + 1 });
      await start(used, newMail(customer));
      assert.equal(await store.complete(used.id, newSession(customer), newLogin(customer)), "completed");
      await store.markExpired(used.id);
      assert.equal(await statusOf(db, used.id), "used");
    });

    it("complete uses the challenge, creates the session and records the login", async () => {
      const customer = await seedCustomer(handle);
      const challenge = newChallenge(customer);
      await start(challenge, newMail(customer));
      const session = newSession(customer);
      const login = newLogin(customer);
      assert.equal(await store.complete(challenge.id, session, login), "completed");
      assert.equal(await statusOf(db, challenge.id), "used");
      const sessionRow = await db.selectFrom("sessions").selectAll().where("id_hash", "=", session.idHash).executeTakeFirstOrThrow();
      assert.equal(sessionRow.customer_id, customer.id);
      assert.equal(sessionRow.ended_at, null);
      const loginRow = await db.selectFrom("login_history").selectAll().where("id", "=", login.id).executeTakeFirstOrThrow();
      assert.equal(loginRow.at, NOW);
      // Used once: a second completion is refused and creates nothing.
      assert.equal(await store.complete(challenge.id, newSession(customer), newLogin(customer)), "not_pending");
      assert.equal(await countRows(db, "sessions", customer.id), 1);
      assert.equal(await countRows(db, "login_history", customer.id), 1);
    });

    it("complete refuses a challenge that is not pending and creates nothing", async () => {
      const customer = await seedCustomer(handle);
      const challenge = newChallenge(customer);
      await start(challenge, newMail(customer));
      await start(newChallenge(customer, { sentAt: NOW + 1 }), newMail(customer));
      assert.equal(await store.complete(challenge.id, newSession(customer), newLogin(customer)), "not_pending");
      assert.equal(await store.complete(randomUUID(), newSession(customer), newLogin(customer)), "not_pending");
      assert.equal(await countRows(db, "sessions", customer.id), 0);
      assert.equal(await countRows(db, "login_history", customer.id), 0);
    });

    it("exactly one of 10 concurrent completions wins, with one session and one login record", async () => {
      const customer = await seedCustomer(handle);
      const challenge = newChallenge(customer);
      await start(challenge, newMail(customer));
      const results = await Promise.all(
        Array.from({ length: 10 }, () => store.complete(challenge.id, newSession(customer), newLogin(customer))),
      );
      assert.equal(results.filter((result) => result === "completed").length, 1);
      assert.equal(await statusOf(db, challenge.id), "used");
      assert.equal(await countRows(db, "sessions", customer.id), 1);
      assert.equal(await countRows(db, "login_history", customer.id), 1);
    });
  
    it("start and complete write nothing for a locked customer (a lock that raced the password or code step)", async () => {
      const customer = await seedCustomer(handle);
      const pending = newChallenge(customer);
      assert.equal(await start(pending, newMail(customer)), true);
      await createCustomerStore(db).recordFailure(customer.id, 1, NOW);
      const mailsBefore = (await mailIds(db)).length;
      const refused = newChallenge(customer, { sentAt: NOW + 1 });
      assert.equal(await start(refused, newMail(customer)), false);
      assert.equal(await store.findByPreauthHash(refused.preauthHash), null, "no challenge");
      assert.equal((await mailIds(db)).length, mailsBefore, "no mail");
      assert.equal(await statusOf(db, pending.id), "pending", "the older code is not superseded either");
      assert.equal(await store.complete(pending.id, newSession(customer), newLogin(customer)), "locked");
      assert.equal(await statusOf(db, pending.id), "pending");
      assert.equal(await countRows(db, "sessions", customer.id), 0);
      assert.equal(await countRows(db, "login_history", customer.id), 0);
    });
  });
}
