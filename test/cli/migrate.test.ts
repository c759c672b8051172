import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../support/run-cli.ts";
import { openDatabase } from "../../src/adapters/db/connect.ts";
import { createCustomerStore } from "../../src/adapters/db/stores/customer-store.ts";


async function tableNames(databaseUrl: string): Promise<string[]> {
  const database = openDatabase(databaseUrl);
  try {
    const tables = await database.db.introspection.getTables();
    return tables.map((table) => table.name).sort();
  } finally {
    await database.close();
  }
}

const LOGIN_FLOW_TABLES = ["customers", "login_challenges", "login_history", "mail_outbox", "sessions"];

describe("migrate (CLI)", () => {
  const directory = mkdtempSync(join(tmpdir(), "okb-cli-migrate-"));
  const databaseUrl = `sqlite:${join(directory, "x.sqlite")}`;
  after(() => {
    rmSync(directory, { recursive: true, force: true });
  });

  it("creates the tables on a fresh database file and names the migration it applied", async () => {
    const run = await runCli(["migrate"], { databaseUrl });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /0001-login-flow/);
    const tables = await tableNames(databaseUrl);
    for (const table of LOGIN_FLOW_TABLES) {
      assert.ok(tables.includes(table), `table ${table} exists (have ${tables.join(", ")})`);
    }
    const database = openDatabase(databaseUrl);
    try {
      assert.equal(await createCustomerStore(database.db).count(), 0);
    } finally {
      await database.close();
    }
  });

  it("is harmless to run again: says it is already up to date", async () => {
    const before = await tableNames(databaseUrl);
    const run = await runCli(["migrate"], { databaseUrl });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, "already up to date\n");
    assert.deepEqual(await tableNames(databaseUrl), before);
  });

  it("refuses a stray argument with exit 2", async () => {
    const run = await runCli(["migrate", "now"], { databaseUrl });
    assert.equal(run.status, 2);
    assert.match(run.stderr, /^error: migrate: .*'now'/);
  });

  it("stops with exit 1 and names DATABASE_URL when it is not a database address", async () => {
    const run = await runCli(["migrate"], { databaseUrl: "mysql://localhost/okb" });
    assert.equal(run.status, 1);
    assert.match(run.stderr, /^error: invalid configuration: DATABASE_URL/);
  });

  it("answers an unknown command with exit 2 and the usage text", async () => {
    const run = await runCli(["migrat"], { databaseUrl });
    assert.equal(run.status, 2);
    assert.match(run.stderr, /^error: unknown command "migrat"\n/);
    assert.match(run.stderr, /usage: npm run cli -- <command>/);
    assert.equal(run.stdout, "");
  });
});
