import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import type { Database } from "../../src/adapters/db/schema.ts";
import { openDatabase } from "../../src/adapters/db/connect.ts";
import { migrateToLatest, unappliedMigrations, withMigrationLock } from "../../src/adapters/db/migrate.ts";
import { loginIdLowerCaseMigration } from "../../src/adapters/db/migrations/0003-login-id-lower-case.ts";
import { mfaOffRequestsMigration } from "../../src/adapters/db/migrations/0011-mfa-off-requests.ts";
import { securityRequestsMigration } from "../../src/adapters/db/migrations/0017-security-requests.ts";
import { createSecurityRequestStore } from "../../src/adapters/db/stores/security-request-store.ts";
import { createOperatorStore } from "../../src/adapters/db/stores/operator-store.ts";
import { testSealer } from "../support/db-backends.ts";
import { DB_BACKENDS } from "../support/db-backends.ts";
import type { OpenedDatabase } from "../support/db-backends.ts";
import { createTestSchema } from "../support/postgres.ts";

async function insertRawCustomer(db: Kysely<Database>, loginId: string): Promise<void> {
  await db
    .insertInto("customers")
    .values({ id: randomUUID(), login_id: loginId, email: `${randomUUID()}@example.jp`, name: "テスト", password_hash: "x", mfa_enabled: 1, created_at: 0 })
    .execute();
}

async function loginIds(db: Kysely<Database>): Promise<string[]> {
  return (await db.selectFrom("customers").select("login_id").execute()).map((row) => row.login_id).sort();
}

for (const backend of DB_BACKENDS) {
  describe(`migration 0003: login IDs to lower case (${backend.name})`, () => {
    let opened: OpenedDatabase;
    before(async () => {
      opened = await backend.open();
    });
    after(() => opened.close());

    it("lowers the IDs of customers registered before IDs became case-insensitive", async () => {
      const db = opened.handle.db;
      await insertRawCustomer(db, "Taro01");
      await insertRawCustomer(db, "jiro02");
      await withMigrationLock(db, opened.handle.dialect, () => loginIdLowerCaseMigration.up(db));
      assert.deepEqual(await loginIds(db), ["jiro02", "taro01"]);
    });

    it("stops, names the IDs that differ only in case and changes nothing", async () => {
      const db = opened.handle.db;
      await insertRawCustomer(db, "HANAKO");
      await insertRawCustomer(db, "hanako");
      await insertRawCustomer(db, "Saburo");
      await assert.rejects(withMigrationLock(db, opened.handle.dialect, () => loginIdLowerCaseMigration.up(db)), /differ only in case.*hanako/);
      assert.deepEqual(await loginIds(db), ["HANAKO", "Saburo", "hanako", "jiro02", "taro01"].sort());
    });
  });
}

for (const backend of DB_BACKENDS) {
  describe(`migration 0017: the MFA-off requests become security requests (${backend.name})`, () => {
    let opened: OpenedDatabase;
    before(async () => {
      opened = await backend.open();
    });
    after(() => opened.close());

    it("moves every MFA-off request: an approved one (which took effect at approval) is effective, the others keep their state", async () => {
      const db = opened.handle.db;
      // Back to the schema before 0017, as a database of the previous release has it (under the migration lock: another
      // test process migrating beside this one must not read the catalog mid-change).
      await withMigrationLock(db, opened.handle.dialect, async () => {
        await db.schema.dropTable("security_requests").execute();
        await db.schema.dropTable("email_verifications").execute();
        await db.schema.alterTable("customers").dropColumn("email_hold_until").execute();
        await mfaOffRequestsMigration.up(db as Kysely<unknown>);
      });
      const customerId = randomUUID();
      await db.insertInto("customers").values({ id: customerId, login_id: "moved01", email: "m@example.jp", name: "テスト", password_hash: "x", mfa_enabled: 0, created_at: 0 }).execute();
      const operatorId = randomUUID();
      await createOperatorStore(db, testSealer()).create({ id: operatorId, loginId: "op-moved", name: "佐藤", role: "supervisor", passwordHash: "x", totpSecret: "JBSWY3DPEHPK3PXP", createdAt: 0 });
      const rows = ["approved", "pending", "rejected", "expired"].map((state, i) => ({ id: `r${i}`, customer_id: customerId, requested_by: operatorId, reason: "依頼", created_at: 1000 + i, expires_at: 9_000_000, state, decided_by: state === "approved" || state === "rejected" ? operatorId : null, decided_at: state === "approved" || state === "rejected" ? 2000 : null, decision_reason: null }));
      await (db as unknown as Kysely<{ mfa_off_requests: (typeof rows)[number] }>).insertInto("mfa_off_requests").values(rows).execute();
      await withMigrationLock(db, opened.handle.dialect, () => securityRequestsMigration.up(db as Kysely<unknown>));
      const store = createSecurityRequestStore(db);
      const moved = await Promise.all(rows.map((row) => store.findById(row.id, 5000)));
      assert.deepEqual(moved.map((request) => [request?.kind, request?.state, request?.effectiveAt]), [
        ["mfa_off", "effective", 2000],
        ["mfa_off", "pending", null],
        ["mfa_off", "rejected", null],
        ["mfa_off", "expired", null],
      ]);
      assert.equal((await db.selectFrom("customers").select("email_hold_until").where("id", "=", customerId).executeTakeFirstOrThrow()).email_hold_until, null);
    });
  });
}

describe("migrations on PostgreSQL: another schema's migration tables do not confuse this one", () => {
  it("migrates a fresh schema while another schema in the same database is migrated already", async () => {
    const schemas = [await createTestSchema(), await createTestSchema()];
    const handles = schemas.map((schema) => openDatabase(schema.url));
    try {
      for (const handle of handles) {
        await migrateToLatest(handle.db, handle.dialect);
        assert.deepEqual(await unappliedMigrations(handle.db, handle.dialect), []);
      }
    } finally {
      for (const handle of handles) {
        await handle.close();
      }
      for (const schema of schemas) {
        await schema.drop();
      }
    }
  });
});
