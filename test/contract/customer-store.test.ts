import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Migrator } from "kysely/migration";
import type { CustomerStore, NewCustomer } from "../../src/core/kernel/ports.ts";
import { InvalidInputError } from "../../src/core/kernel/errors.ts";
import { createCustomerStore } from "../../src/adapters/db/stores/customer-store.ts";
import { openDatabase } from "../../src/adapters/db/connect.ts";
import type { DatabaseHandle } from "../../src/adapters/db/connect.ts";
import { migrateToLatest, withMigrationLock } from "../../src/adapters/db/migrate.ts";
import { loginFlowMigration } from "../../src/adapters/db/migrations/0001-login-flow.ts";
import { abuseResistanceMigration } from "../../src/adapters/db/migrations/0002-abuse-resistance.ts";
import { loginIdLowerCaseMigration } from "../../src/adapters/db/migrations/0003-login-id-lower-case.ts";
import { DB_BACKENDS } from "../support/db-backends.ts";
import { createTestSchema } from "../support/postgres.ts";

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
    birthDate: "1985-04-01",
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
      assert.deepEqual(created, { ...input, failedCount: 0, lockedAt: null, frozenAt: null, notifyEveryLogin: true, emailHoldUntil: null });
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

    it("findByEmail finds the customers of an address whatever its case, oldest first, up to the limit; freeze holds once", async () => {
      const first = await store.create({ ...newCustomer({ email: "Shared.Family@Example.co.jp" }), createdAt: NOW });
      const second = await store.create({ ...newCustomer({ email: "shared.family@example.co.jp" }), createdAt: NOW + 1 });
      assert.deepEqual((await store.findByEmail("SHARED.family@example.CO.JP", 5)).map((customer) => customer.id), [first.id, second.id]);
      assert.equal((await store.findByEmail("shared.family@example.co.jp", 1)).length, 1);
      assert.deepEqual(await store.findByEmail("nobody@example.co.jp", 5), []);
      assert.equal(await store.freeze(first.id, NOW + 5), true);
      assert.equal(await store.freeze(first.id, NOW + 6), false, "already frozen");
      assert.equal((await store.findById(first.id))?.frozenAt, NOW + 5);
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

    it("keeps the birth date as YYYY-MM-DD text; a customer created without one (from before issue 11) has null", async () => {
      const dated = await store.create(newCustomer({ birthDate: "1950-12-31" }));
      assert.equal((await store.findById(dated.id))?.birthDate, "1950-12-31");
      const { birthDate: _omitted, ...withoutBirthDate } = newCustomer();
      const undated = await store.create(withoutBirthDate);
      assert.equal(undated.birthDate, null);
      assert.equal((await store.findById(undated.id))?.birthDate, null);
    });

    it("existingLoginIds names the login IDs among those given that are taken, in any number", async () => {
      const taken = await store.create(newCustomer());
      const unknown = Array.from({ length: 1200 }, (_, i) => `free-${i}-${randomUUID().slice(0, 8)}`);
      assert.deepEqual(await store.existingLoginIds([...unknown.slice(0, 700), taken.loginId, ...unknown.slice(700)]), [taken.loginId]);
      assert.deepEqual(await store.existingLoginIds([]), []);
    });

    it("holdEmailRecovery: until when recovery by emailed code is held after a 重要メール change (issue 17)", async () => {
      const customer = await store.create(newCustomer());
      await store.holdEmailRecovery(customer.id, CREATED_AT + 86_400_000);
      assert.equal((await store.findById(customer.id))?.emailHoldUntil, CREATED_AT + 86_400_000);
      assert.equal((await store.findByLoginId(customer.loginId))?.emailHoldUntil, CREATED_AT + 86_400_000, "a number on both databases");
    });

    it("createMany inserts every customer in batches, reporting progress after each statement", async () => {
      const before = await store.count();
      const customers = Array.from({ length: 1201 }, (_, i) => newCustomer({ birthDate: i % 2 === 0 ? "1970-01-01" : null }));
      const progress: number[] = [];
      await store.createMany(customers, { batchSize: 500, onProgress: (inserted) => progress.push(inserted) });
      assert.deepEqual(progress, [500, 1000, 1201]);
      assert.equal(await store.count(), before + 1201);
      const last = customers[1200];
      assert.ok(last !== undefined);
      assert.deepEqual(await store.findById(last.id), { ...last, failedCount: 0, lockedAt: null, frozenAt: null, notifyEveryLogin: true, emailHoldUntil: null });
      assert.equal((await store.findById(customers[1]?.id ?? ""))?.birthDate, null);
    });

    it("createMany writes nothing when one login ID is taken, even in a later batch (InvalidInputError)", async () => {
      const taken = await store.create(newCustomer());
      const before = await store.count();
      const customers = Array.from({ length: 700 }, () => newCustomer());
      customers.push(newCustomer({ loginId: taken.loginId }));
      await assert.rejects(store.createMany(customers, { batchSize: 500 }), InvalidInputError);
      assert.equal(await store.count(), before);
      assert.equal(await store.findById(customers[0]?.id ?? ""), null);
    });
  });
}

/** An empty database of each kind, for a migration's before and after. */
const EMPTY_DATABASES: Array<{ name: string; open(): Promise<{ handle: DatabaseHandle; schema?: string; close(): Promise<void> }> }> = [
  {
    name: "SQLite",
    async open() {
      const dir = mkdtempSync(join(tmpdir(), "okb-contract-"));
      const handle = openDatabase(`sqlite:${join(dir, "test.db")}`);
      async function close(): Promise<void> {
        await handle.close();
        rmSync(dir, { recursive: true, force: true });
      }
      return { handle, close };
    },
  },
  {
    name: "PostgreSQL",
    async open() {
      const schema = await createTestSchema();
      const handle = openDatabase(schema.url);
      // The Migrator must be told its schema: other tests' schemas have migration tables too (migrate.ts).
      async function close(): Promise<void> {
        await handle.close();
        await schema.drop();
      }
      return { handle, schema: schema.name, close };
    },
  },
];

for (const empty of EMPTY_DATABASES) {
  describe(`migration 0004: customers from before it keep no birth date (${empty.name})`, () => {
    it("adds birth_date as an empty column: existing customers read back with birthDate null, the rest unchanged", async () => {
      const { handle, schema, close } = await empty.open();
      try {
        const before = { "0001-login-flow": loginFlowMigration, "0002-abuse-resistance": abuseResistanceMigration, "0003-login-id-lower-case": loginIdLowerCaseMigration };
        const provider = { getMigrations: () => Promise.resolve(before) };
        const { error } = await withMigrationLock(handle.db, handle.dialect, () => new Migrator({ db: handle.db, provider, ...(schema === undefined ? {} : { migrationTableSchema: schema }) }).migrateToLatest());
        assert.equal(error, undefined);
        const id = randomUUID();
        await handle.db
          .withTables<{ customers: { id: string; login_id: string; email: string; name: string; password_hash: string; mfa_enabled: number; created_at: number } }>()
          .insertInto("customers")
          .values({ id, login_id: "old01", email: "old01@example.jp", name: "古い 顧客", password_hash: "$argon2id$x", mfa_enabled: 1, created_at: CREATED_AT })
          .execute();
        assert.equal((await migrateToLatest(handle.db, handle.dialect))[0], "0004-birth-date");
        const customer = await createCustomerStore(handle.db).findById(id);
        assert.equal(customer?.birthDate, null);
        assert.equal(customer?.loginId, "old01");
      } finally {
        await close();
      }
    });
  });
}
