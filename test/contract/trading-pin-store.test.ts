import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import type { Customer, CustomerStore, MailOutbox } from "../../src/core/kernel/ports.ts";
import type { TradingPinStore } from "../../src/core/trading-pin/ports-trading-pin.ts";
import type { Database } from "../../src/adapters/db/schema.ts";
import { createCustomerStore } from "../../src/adapters/db/stores/customer-store.ts";
import { createMailOutbox } from "../../src/adapters/db/mail-outbox.ts";
import { createTradingPinStore } from "../../src/adapters/db/stores/trading-pin-store.ts";
import { DB_BACKENDS, seedCustomer, testSealer } from "../support/db-backends.ts";
import { NOW } from "../support/rows.ts";

const HASH = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo";
const OTHER_HASH = "$argon2id$v=19$m=19456,t=2,p=1$b3RoZXJzYWx0$b3RoZXJoYXNo";

// The trading PIN's store (migration 0013, issue 13 §4) on every backend: its own count and lock,
// each change one statement, so racing wrong PINs lock exactly once.
for (const backend of DB_BACKENDS) {
  describe(`trading PIN store contract (${backend.name})`, () => {
    let db: Kysely<Database>;
    let pins: TradingPinStore;
    let customers: CustomerStore;
    let outbox: MailOutbox;
    let seed: () => Promise<Customer>;
    let close: () => Promise<void>;
    before(async () => {
      const opened = await backend.open();
      db = opened.handle.db;
      pins = createTradingPinStore(db);
      customers = createCustomerStore(db);
      outbox = createMailOutbox(db, testSealer(), () => {});
      seed = () => seedCustomer(opened.handle);
      close = opened.close;
    });
    after(() => close());

    it("a customer without a PIN has none; set stores the hash with a zero count and no lock", async () => {
      const customer = await seed();
      assert.equal(await pins.find(customer.id), null);
      await pins.set(customer.id, HASH, NOW);
      assert.deepEqual(await pins.find(customer.id), { customerId: customer.id, pinHash: HASH, failedCount: 0, lockedAt: null, setAt: NOW });
    });

    it("counts wrong PINs and the 5th locks; later ones are not counted and report the lock", async () => {
      const customer = await seed();
      await pins.set(customer.id, HASH, NOW);
      for (let failure = 1; failure <= 4; failure += 1) {
        assert.deepEqual(await pins.recordFailure(customer.id, 5, NOW + failure), { failedCount: failure, lockedNow: false, alreadyLocked: false });
      }
      assert.deepEqual(await pins.recordFailure(customer.id, 5, NOW + 5), { failedCount: 5, lockedNow: true, alreadyLocked: false });
      assert.deepEqual(await pins.recordFailure(customer.id, 5, NOW + 6), { failedCount: 5, lockedNow: false, alreadyLocked: true });
      assert.equal((await pins.find(customer.id))?.lockedAt, NOW + 5);
    });

    it("of 12 concurrent wrong PINs, counts 5, locks once and tells the other 7 it was locked", async () => {
      const customer = await seed();
      await pins.set(customer.id, HASH, NOW);
      const results = await Promise.all(Array.from({ length: 12 }, () => pins.recordFailure(customer.id, 5, NOW)));
      assert.equal(results.filter((result) => result.lockedNow).length, 1);
      assert.equal(results.filter((result) => result.alreadyLocked).length, 7);
      assert.deepEqual(results.filter((result) => !result.alreadyLocked).map((result) => result.failedCount).sort(), [1, 2, 3, 4, 5]);
      assert.equal((await pins.find(customer.id))?.failedCount, 5);
    });

    it("a right PIN resets the count only while unlocked", async () => {
      const customer = await seed();
      await pins.set(customer.id, HASH, NOW);
      await pins.recordFailure(customer.id, 5, NOW);
      await pins.recordFailure(customer.id, 5, NOW);
      assert.equal(await pins.resetFailures(customer.id), true);
      assert.equal((await pins.find(customer.id))?.failedCount, 0);
      for (let failure = 0; failure < 5; failure += 1) {
        await pins.recordFailure(customer.id, 5, NOW);
      }
      assert.equal(await pins.resetFailures(customer.id), false);
      assert.deepEqual(await pins.find(customer.id), { customerId: customer.id, pinHash: HASH, failedCount: 5, lockedAt: NOW, setAt: NOW });
    });

    it("unlock lifts the lock and clears the count once; false when not locked", async () => {
      const customer = await seed();
      await pins.set(customer.id, HASH, NOW);
      assert.equal(await pins.unlock(customer.id), false);
      for (let failure = 0; failure < 5; failure += 1) {
        await pins.recordFailure(customer.id, 5, NOW);
      }
      assert.equal(await pins.unlock(customer.id), true);
      assert.deepEqual(await pins.find(customer.id), { customerId: customer.id, pinHash: HASH, failedCount: 0, lockedAt: null, setAt: NOW });
      assert.equal(await pins.unlock(customer.id), false);
    });

    it("setting a new PIN replaces the hash, lifts a lock and starts the count again", async () => {
      const customer = await seed();
      await pins.set(customer.id, HASH, NOW);
      for (let failure = 0; failure < 5; failure += 1) {
        await pins.recordFailure(customer.id, 5, NOW);
      }
      await pins.set(customer.id, OTHER_HASH, NOW + 1000);
      assert.deepEqual(await pins.find(customer.id), { customerId: customer.id, pinHash: OTHER_HASH, failedCount: 0, lockedAt: null, setAt: NOW + 1000 });
    });

    it("a customer without a PIN: a failure is not counted anywhere, reset and unlock change nothing", async () => {
      const customer = await seed();
      assert.deepEqual(await pins.recordFailure(customer.id, 5, NOW), { failedCount: 0, lockedNow: false, alreadyLocked: true });
      assert.equal(await pins.resetFailures(customer.id), false);
      assert.equal(await pins.unlock(customer.id), false);
      assert.equal(await pins.find(customer.id), null);
    });

    it("the PIN's lock is not the login's: the customer's failure count and lock stay as they were", async () => {
      const customer = await seed();
      await pins.set(customer.id, HASH, NOW);
      for (let failure = 0; failure < 5; failure += 1) {
        await pins.recordFailure(customer.id, 5, NOW);
      }
      const after = await customers.findById(customer.id);
      assert.equal(after?.lockedAt, null);
      assert.equal(after?.failedCount, 0);
    });

    it("inside queueWith the PIN change and its mail commit together, or neither when the change declines", async () => {
      const customer = await seed();
      await pins.set(customer.id, HASH, NOW);
      const mail = { id: randomUUID(), recipient: customer.email, subject: "取引暗証番号変更のお知らせ", body: "本文", createdAt: NOW };
      assert.equal(
        await outbox.queueWith(mail, async (stores) => {
          await stores.tradingPins.set(customer.id, OTHER_HASH, NOW + 1);
          return false;
        }),
        false,
      );
      assert.equal((await pins.find(customer.id))?.pinHash, HASH);
      assert.equal((await db.selectFrom("mail_outbox").select("id").where("id", "=", mail.id).execute()).length, 0);
      assert.equal(
        await outbox.queueWith(mail, async (stores) => {
          await stores.tradingPins.set(customer.id, OTHER_HASH, NOW + 1);
          return true;
        }),
        true,
      );
      assert.equal((await pins.find(customer.id))?.pinHash, OTHER_HASH);
      assert.equal((await db.selectFrom("mail_outbox").select("id").where("id", "=", mail.id).execute()).length, 1);
    });
  });
}
