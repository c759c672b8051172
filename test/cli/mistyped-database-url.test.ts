import { after, afterEach, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Migrator } from "kysely/migration";
import pg from "pg";
import { runCli } from "../support/run-cli.ts";
import type { CliRun } from "../support/run-cli.ts";
import { POSTGRES_TEST_URL, createTestSchema } from "../support/postgres.ts";
import type { TestSchema } from "../support/postgres.ts";
import { openDatabase } from "../../src/adapters/db/connect.ts";
import { loginFlowMigration } from "../../src/adapters/db/migrations/0001-login-flow.ts";
import { sqliteFolders } from "./cli-databases.ts";

/**
 * A mistyped DATABASE_URL (`sqlite:./typo.sqlite`, another schema) must not
 * quietly get a new, empty database: the operator's change would land where no
 * server reads it, and `customer add` would report success. Only `migrate`
 * creates a database; every other command stops with exit 1 (a configuration or
 * database error) and says to run `migrate` first.
 */

const ADD = ["customer", "add", "--login-id", "tanaka01", "--email", "tanaka@example.co.jp", "--name", "田中 一郎", "--birth-date", "1980-01-31"];
const UNLOCK = ["customer", "unlock", "tanaka01", "--reason", "call center"];
const PASSWORD_LINE = "correct horse 7\n";

function assertRefusedAsUnmigrated(run: CliRun): void {
  assert.equal(run.status, 1, run.stdout + run.stderr);
  assert.equal(run.stdout, "");
  assert.match(run.stderr, /^error: [^\n]*`npm run cli -- migrate`[^\n]*\n$/);
}

async function sqliteTables(databaseUrl: string): Promise<string[]> {
  const database = openDatabase(databaseUrl);
  try {
    const tables = await database.db.introspection.getTables({ withInternalKyselyTables: true });
    return tables.map((table) => table.name);
  } finally {
    await database.close();
  }
}

describe("a mistyped DATABASE_URL: commands other than migrate refuse a database without the schema", () => {
  describe("SQLite", () => {
    const folders = sqliteFolders();
    after(() => {
      folders.removeAll();
    });

    it("customer add on a file that does not exist: exit 1, and no file is created", async () => {
      const typo = folders.missing();
      const run = await runCli(ADD, { databaseUrl: typo.url, stdin: PASSWORD_LINE });
      assertRefusedAsUnmigrated(run);
      assert.deepEqual(readdirSync(typo.directory), [], "no database, -wal or -shm file left behind");
    });

    it("customer unlock on a file in a folder that does not exist: exit 1, and no folder is created", async () => {
      const typo = folders.missing();
      const inMissingFolder = join(typo.directory, "no-such-folder", "typo.sqlite");
      const run = await runCli(UNLOCK, { databaseUrl: `sqlite:${inMissingFolder}` });
      assertRefusedAsUnmigrated(run);
      assert.equal(existsSync(join(typo.directory, "no-such-folder")), false);
    });

    it("customer add on an existing empty file: exit 1, and no table is created", async () => {
      const empty = folders.missing();
      writeFileSync(empty.path, "");
      const run = await runCli(ADD, { databaseUrl: empty.url, stdin: PASSWORD_LINE });
      assertRefusedAsUnmigrated(run);
      assert.deepEqual(await sqliteTables(empty.url), []);
    });

    it("customer add on a database with a migration still pending: exit 1, names the migration, applies nothing", async () => {
      const behind = folders.missing();
      const database = openDatabase(behind.url);
      try {
        const provider = { getMigrations: () => Promise.resolve({ "0001-login-flow": loginFlowMigration }) };
        const { error } = await new Migrator({ db: database.db, provider }).migrateToLatest();
        assert.equal(error, undefined);
      } finally {
        await database.close();
      }
      const tablesBefore = await sqliteTables(behind.url);
      const run = await runCli(ADD, { databaseUrl: behind.url, stdin: PASSWORD_LINE });
      assertRefusedAsUnmigrated(run);
      assert.match(run.stderr, /0002-abuse-resistance/);
      assert.deepEqual(await sqliteTables(behind.url), tablesBefore);
    });
  });

  describe("PostgreSQL", () => {
    const PASSWORD = "pw-must-not-be-printed-7c1f";
    let schema: TestSchema;

    beforeEach(async () => {
      schema = await createTestSchema();
    });
    afterEach(async () => {
      await schema.drop();
    });

    /** The schema's URL with a password in it: test PostgreSQL trusts loopback and ignores it, but it must not be printed. */
    function urlWithPassword(): URL {
      const url = new URL(schema.url);
      url.password ||= PASSWORD;
      return url;
    }

    async function schemaTables(): Promise<string[]> {
      const client = new pg.Client({ connectionString: POSTGRES_TEST_URL });
      await client.connect();
      try {
        const result = await client.query<{ table_name: string }>("select table_name from information_schema.tables where table_schema = $1", [schema.name]);
        return result.rows.map((row) => row.table_name);
      } finally {
        await client.end();
      }
    }

    for (const [label, args, stdin] of [
      ["customer add", ADD, PASSWORD_LINE],
      ["customer unlock", UNLOCK, ""],
    ] as const) {
      it(`${label} on an empty schema: exit 1 without printing the URL or its password, and no table is created`, async () => {
        const url = urlWithPassword();
        const run = await runCli([...args], { databaseUrl: url.toString(), stdin });
        assertRefusedAsUnmigrated(run);
        assert.ok(!run.stderr.includes(url.password), run.stderr);
        assert.ok(!run.stderr.includes(url.host), run.stderr);
        assert.deepEqual(await schemaTables(), []);
      });
    }
  });
});
