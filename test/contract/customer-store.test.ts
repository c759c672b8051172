import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import type { CustomerStore, NewCustomer } from "../../src/core/ports.ts";
import { InvalidInputError } from "../../src/core/errors.ts";
import { createCustomerStore } from "../../src/adapters/db/customer-store.ts";
import { DB_BACKENDS } from "../support/db-backends.ts";

const NOW = Date.UTC(2026, 10, 25, 0, 30, 0);
// Larger than 2^31, so an int4 column or a string-typed int8 would show.
const CREATED_AT = Date.UTC(2026, 0, 2, 3, 4, 5, 678);

function newCustomer(overrides: Partial<NewCustomer> = {}): NewCustomer & { id: string; createdAt: number } {
  const suffix = randomUUID().slice(0, 8);
  return {
    id: randomUUID(),
    loginId: `id${suffix}`,
    email: `${suffix}@example.jp`,
    name: "証券 花子",
    passwordHash: `$argon2id$hash-${suffix}`,
    mfaEnabled: true,
    createdAt: CREATED_AT,
    ...overrides,
  };
}

for (const backend of DB_BACKENDS) {
  describe(`customer store contract (${backend.name})`, () => {
    let store: CustomerStore;
    let close: () => Promise<void>;
    before(async () => {
      const opened = await backend.open();
      store = createCustomerStore(opened.handle.db);
      close = opened.close;
    });
    after(async () => {
      await close();
    });

    it("finds a created customer by login ID and by ID, with times as numbers", async () => {
      const input = newCustomer({ mfaEnabled: false });
      const created = await store.create(input);
      assert.deepEqual(created, { ...input, failedCount: 0, lockedAt: null });
      const byLoginId = await store.findByLoginId(input.loginId);
      const byId = await store.findById(input.id);
      assert.deepEqual(byLoginId, created);
      assert.deepEqual(byId, created);
      assert.equal(typeof byId?.createdAt, "number");
      assert.equal(typeof byId?.failedCount, "number");
      assert.equal(byId?.mfaEnabled, false);
    });

    it("returns null for an unknown login ID or ID", async () => {
      assert.equal(await store.findByLoginId("nobody-here"), null);
      assert.equal(await store.findById(randomUUID()), null);
    });

    it("refuses a second customer with a taken login ID (InvalidInputError) and keeps the first", async () => {
      const first = newCustomer();
      await store.create(first);
      await assert.rejects(store.create(newCustomer({ loginId: first.loginId })), InvalidInputError);
      assert.equal((await store.findByLoginId(first.loginId))?.id, first.id);
    });

    it("counts failures and locks exactly at the threshold, reporting lockedNow once", async () => {
      const customer = await store.create(newCustomer());
      const results = [];
      for (let i = 0; i < 5; i += 1) {
        results.push(await store.recordFailure(customer.id, 3, NOW + i));
      }
      assert.deepEqual(results, [
        { failedCount: 1, lockedNow: false, alreadyLocked: false },
        { failedCount: 2, lockedNow: false, alreadyLocked: false },
        { failedCount: 3, lockedNow: true, alreadyLocked: false },
        { failedCount: 3, lockedNow: false, alreadyLocked: true },
        { failedCount: 3, lockedNow: false, alreadyLocked: true },
      ]);
      const locked = await store.findById(customer.id);
      // Locked by the third failure; later failures neither count nor move the lock time.
      assert.equal(locked?.lockedAt, NOW + 2);
      assert.equal(typeof locked?.lockedAt, "number");
      assert.equal(locked?.failedCount, 3);
    });

    it("reports lockedNow once even when later failures carry the same time as the locking one", async () => {
      const customer = await store.create(newCustomer());
      const results = [];
      for (let i = 0; i < 4; i += 1) {
        results.push(await store.recordFailure(customer.id, 2, NOW));
      }
      assert.deepEqual(
        results.map((result) => result.lockedNow),
        [false, true, false, false],
      );
    });

    it("of 20 concurrent failures, counts the first 10, locks once, and tells the other 10 it was already locked", async () => {
      const customer = await store.create(newCustomer());
      const results = await Promise.all(Array.from({ length: 20 }, () => store.recordFailure(customer.id, 10, NOW)));
      const counted = results.filter((result) => !result.alreadyLocked);
      assert.deepEqual(
        counted.map((result) => result.failedCount).sort((a, b) => a - b),
        Array.from({ length: 10 }, (_, i) => i + 1),
      );
      assert.equal(results.filter((result) => result.lockedNow).length, 1);
      assert.equal(results.filter((result) => result.alreadyLocked).length, 10);
      const after = await store.findById(customer.id);
      assert.equal(after?.failedCount, 10);
      assert.equal(after?.lockedAt, NOW);
    });

    it("resetFailures starts the count again from zero", async () => {
      const customer = await store.create(newCustomer());
      await store.recordFailure(customer.id, 5, NOW);
      await store.recordFailure(customer.id, 5, NOW);
      await store.resetFailures(customer.id);
      assert.equal((await store.findById(customer.id))?.failedCount, 0);
      assert.deepEqual(await store.recordFailure(customer.id, 5, NOW), { failedCount: 1, lockedNow: false, alreadyLocked: false });
    });

    it("unlock clears the lock and the count; false when the account was not locked", async () => {
      const customer = await store.create(newCustomer());
      assert.equal(await store.unlock(customer.id), false);
      assert.equal(await store.unlock(randomUUID()), false);
      await store.recordFailure(customer.id, 1, NOW);
      assert.notEqual((await store.findById(customer.id))?.lockedAt, null);
      assert.equal(await store.unlock(customer.id), true);
      const unlocked = await store.findById(customer.id);
      assert.equal(unlocked?.lockedAt, null);
      assert.equal(unlocked?.failedCount, 0);
      assert.equal(await store.unlock(customer.id), false);
      // After an unlock, the next run of failures locks again and says so.
      assert.deepEqual(await store.recordFailure(customer.id, 1, NOW + 1), { failedCount: 1, lockedNow: true, alreadyLocked: false });
    });

    it("updatePasswordHash changes only that customer's hash", async () => {
      const one = await store.create(newCustomer());
      const other = await store.create(newCustomer());
      await store.updatePasswordHash(one.id, "$argon2id$new");
      assert.equal((await store.findById(one.id))?.passwordHash, "$argon2id$new");
      assert.equal((await store.findById(other.id))?.passwordHash, other.passwordHash);
    });

    it("count returns the number of customers as a number", async () => {
      const before = await store.count();
      assert.equal(typeof before, "number");
      await store.create(newCustomer());
      await store.create(newCustomer());
      assert.equal(await store.count(), before + 2);
    });
  });
}
