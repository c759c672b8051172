import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { runCli } from "../support/run-cli.ts";
import { CLI_DATABASES } from "./cli-databases.ts";
import type { CliDatabase } from "./cli-databases.ts";
import { openDatabase } from "../../src/adapters/db/connect.ts";
import type { DatabaseHandle } from "../../src/adapters/db/connect.ts";
import { createAuditStore } from "../../src/adapters/db/audit-store.ts";
import { nodeRandom, systemClock } from "../../src/adapters/crypto/node-random.ts";
import { formatJapanTimeWithZone } from "../../src/core/kernel/japan-time.ts";

// Issue 17 item 9: `npm run cli -- audit verify` finds a row deleted or edited with SQL.

async function withDatabase<T>(url: string, work: (database: DatabaseHandle) => Promise<T>): Promise<T> {
  const database = openDatabase(url);
  try {
    return await work(database);
  } finally {
    await database.close();
  }
}

async function writeEvents(url: string, count: number): Promise<void> {
  await withDatabase(url, async (database) => {
    const audit = createAuditStore(database.db, systemClock, nodeRandom);
    for (let i = 0; i < count; i += 1) {
      await audit.record({ event: "account.unlocked", outcome: "ok", customerId: randomUUID(), actor: "op-1", ip: "192.0.2.9", userAgent: "test", requestId: randomUUID(), detail: { reason: `ticket ${i}` } });
    }
  });
}

async function rowAt(url: string, seq: number): Promise<{ id: string; at: number }> {
  return withDatabase(url, (database) => database.db.selectFrom("audit_events").select(["id", "at"]).where("seq", "=", seq).executeTakeFirstOrThrow());
}

for (const backend of CLI_DATABASES) {
  describe(`audit verify (CLI, ${backend.name})`, () => {
    let db: CliDatabase;
    before(async () => {
      db = await backend.migrated();
    });
    after(async () => {
      await db.remove();
    });

    it("an intact log: exit 0, the row count and the chain head", async () => {
      await writeEvents(db.url, 6);
      const run = await runCli(["audit", "verify"], { databaseUrl: db.url });
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stdout, /^audit log chain intact: 6 rows; head seq 6 hash [0-9a-f]{64}\n$/);
    });

    it("a row's detail edited with SQL: exit 1 naming that row's seq, ID and time (JST)", async () => {
      const edited = await rowAt(db.url, 3);
      await withDatabase(db.url, (database) => database.db.updateTable("audit_events").set({ detail: JSON.stringify({ reason: "nothing to see" }) }).where("id", "=", edited.id).execute());
      const run = await runCli(["audit", "verify"], { databaseUrl: db.url });
      assert.equal(run.status, 1);
      assert.equal(run.stdout, "");
      assert.ok(run.stderr.includes(`at seq 3 (row ${edited.id}, ${formatJapanTimeWithZone(edited.at)})`), run.stderr);
      assert.match(run.stderr, /\(edited or inserted\); 2 rows before it are intact/);
    });

    it("a row deleted with SQL: exit 1 naming the gap and the row after it", async () => {
      const next = await rowAt(db.url, 2);
      await withDatabase(db.url, (database) => database.db.deleteFrom("audit_events").where("seq", "=", 1).execute());
      const run = await runCli(["audit", "verify"], { databaseUrl: db.url });
      assert.equal(run.status, 1);
      assert.ok(run.stderr.startsWith(`error: audit log chain broken at seq 2 (row ${next.id}, `), run.stderr);
      assert.match(run.stderr, /seq 1 missing before this row \(deleted\); 0 rows before it are intact/);
    });

    it("takes no arguments", async () => {
      const run = await runCli(["audit", "verify", "--fix"], { databaseUrl: db.url });
      assert.equal(run.status, 2);
      assert.match(run.stderr, /audit verify/);
    });
  });
}
