import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import type { Database } from "../../src/adapters/db/schema.ts";
import { openDatabase } from "../../src/adapters/db/connect.ts";
import { migrateToLatest, unappliedMigrations } from "../../src/adapters/db/migrate.ts";
import { loginIdLowerCaseMigration } from "../../src/adapters/db/migrations/0003-login-id-lower-case.ts";
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
      await loginIdLowerCaseMigration.up(db);
      assert.deepEqual(await loginIds(db), ["jiro02", "taro01"]);
    });

    it("stops, names the IDs that differ only in case and changes nothing", async () => {
      const db = opened.handle.db;
      await insertRawCustomer(db, "HANAKO");
      await insertRawCustomer(db, "hanako");
      await insertRawCustomer(db, "Saburo");
      await assert.rejects(loginIdLowerCaseMigration.up(db), /differ only in case.*hanako/);
      assert.deepEqual(await loginIds(db), ["HANAKO", "Saburo", "hanako", "jiro02", "taro01"].sort());
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
