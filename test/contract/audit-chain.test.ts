import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { setImmediate } from "node:timers/promises";
import type { AuditEvent } from "../../src/core/kernel/ports-audit.ts";
import type { DatabaseHandle } from "../../src/adapters/db/connect.ts";
import { openDatabase } from "../../src/adapters/db/connect.ts";
import { migrateToLatest, withMigrationLock } from "../../src/adapters/db/migrate.ts";
import { createAuditStore } from "../../src/adapters/db/audit-store.ts";
import { checkAuditChain } from "../../src/adapters/db/audit-chain-check.ts";
import { auditChainMigration } from "../../src/adapters/db/migrations/0016-audit-chain.ts";
import { nodeRandom } from "../../src/adapters/crypto/node-random.ts";
import { createTestSchema } from "../support/postgres.ts";
import { ManualClock } from "../support/manual-clock.ts";

// Issue 17 item 9: the audit log is a hash chain; a row deleted, edited or added with SQL is found.

const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));

interface Twins {
  /** Two handles on one database: two instances (PostgreSQL) or two processes on one file (SQLite). */
  first: DatabaseHandle;
  second: DatabaseHandle;
  url: string;
  close(): Promise<void>;
}

const BACKENDS: Array<{ name: string; open(): Promise<Twins> }> = [
  {
    name: "SQLite",
    async open(): Promise<Twins> {
      const dir = mkdtempSync(join(tmpdir(), "okb-audit-chain-"));
      const url = `sqlite:${join(dir, "test.db")}`;
      const first = openDatabase(url);
      await migrateToLatest(first.db, first.dialect);
      // One process has one connection (service.ts), whose transactions kysely runs one at a time;
      // other processes (the CLI) wait on busy_timeout: see the cross-process test below.
      return {
        url,
        first,
        second: first,
        async close(): Promise<void> {
          await first.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: "PostgreSQL",
    async open(): Promise<Twins> {
      const schema = await createTestSchema();
      const first = openDatabase(schema.url);
      await migrateToLatest(first.db, first.dialect);
      const second = openDatabase(schema.url);
      return {
        url: schema.url,
        first,
        second,
        async close(): Promise<void> {
          await first.close();
          await second.close();
          await schema.drop();
        },
      };
    },
  },
];

function newEvent(overrides: Partial<AuditEvent> = {}): AuditEvent {
  return {
    event: "password.failed",
    outcome: "refused",
    customerId: randomUUID(),
    actor: "customer",
    ip: "192.0.2.55",
    userAgent: "contract-test",
    requestId: randomUUID(),
    detail: { reason: "wrong_password", note: "日本語も" },
    ...overrides,
  };
}

/** A child process appending `count` rows to the log at `url` with the real store; resolves to its exit status. */
function appendInChild(url: string, count: number): Promise<number | null> {
  const script = [
    `import { openDatabase } from "./src/adapters/db/connect.ts";`,
    `import { createAuditStore } from "./src/adapters/db/audit-store.ts";`,
    `import { nodeRandom, systemClock } from "./src/adapters/crypto/node-random.ts";`,
    `const handle = openDatabase(process.env.DATABASE_URL);`,
    `const audit = createAuditStore(handle.db, systemClock, nodeRandom);`,
    `for (let i = 0; i < ${count}; i += 1) { await audit.record({ event: "operator.unlocked", outcome: "ok", customerId: null, actor: "cli:test", ip: "cli", userAgent: "", requestId: String(i), detail: {} }); }`,
    `await handle.close();`,
  ].join("\n");
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], { cwd: REPO_ROOT, env: { PATH: process.env["PATH"] ?? "", DATABASE_URL: url }, stdio: ["ignore", "inherit", "inherit"] });
    child.on("error", reject);
    child.on("close", resolve);
  });
}

async function seqOfRows(handle: DatabaseHandle): Promise<Array<{ id: string; seq: number }>> {
  const rows = await handle.db.selectFrom("audit_events").select(["id", "seq"]).orderBy("seq").execute();
  return rows.map((row) => ({ id: row.id, seq: Number(row.seq) }));
}

for (const backend of BACKENDS) {
  describe(`audit log hash chain (${backend.name})`, () => {
    const clock = new ManualClock();
    let twins: Twins;
    before(async () => {
      twins = await backend.open();
    });
    after(async () => {
      await twins.close();
    });

    it("a fresh log is intact with 0 rows; parallel appends from two instances make one unbroken chain 1…N", async () => {
      assert.deepEqual(await checkAuditChain(twins.first.db), { intact: true, rows: 0, headSeq: 0, headHash: "0".repeat(64) });
      const one = createAuditStore(twins.first.db, clock, nodeRandom);
      const two = createAuditStore(twins.second.db, clock, nodeRandom);
      const writes: Array<Promise<void>> = [];
      for (let i = 0; i < 60; i += 1) {
        writes.push(one.record(newEvent()), two.record(newEvent({ event: "code.sent", outcome: "ok" })));
      }
      await Promise.all(writes);
      const report = await checkAuditChain(twins.second.db);
      assert.equal(report.intact, true, JSON.stringify(report));
      assert.equal(report.intact && report.rows, 120);
      assert.deepEqual((await seqOfRows(twins.first)).map((row) => row.seq), Array.from({ length: 120 }, (_, i) => i + 1));
    });

    it("rows recorded in one turn of the event loop are committed in one transaction, in the order recorded, each visible once its record resolves (group commit, issue 23)", async () => {
      const before = await checkAuditChain(twins.first.db);
      let transactions = 0;
      const db = twins.first.db;
      // Counts the store's transactions; every other call goes to the real Kysely (its state is in private fields).
      const counted = new Proxy(db, {
        get(target, property) {
          const value: unknown = Reflect.get(target, property, target);
          if (property === "transaction") {
            transactions += 1;
          }
          return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
        },
      });
      const audit = createAuditStore(counted, clock, nodeRandom);
      const requestIds = Array.from({ length: 30 }, () => randomUUID());
      const visibleWhenResolved = await Promise.all(
        requestIds.map(async (requestId) => {
          await audit.record(newEvent({ requestId }));
          const row = await db.selectFrom("audit_events").select("request_id").where("request_id", "=", requestId).executeTakeFirst();
          return row !== undefined;
        }),
      );
      assert.ok(visibleWhenResolved.every(Boolean), "every row is committed before its record() resolves");
      assert.equal(transactions, 1, "30 rows recorded in one turn: one transaction");
      const written = await db.selectFrom("audit_events").select("request_id").where("seq", ">", before.intact ? before.headSeq : 0).orderBy("seq").execute();
      assert.deepEqual(written.map((row) => row.request_id), requestIds, "seq follows the order of the record() calls");
      const report = await checkAuditChain(db);
      assert.equal(report.intact, true, JSON.stringify(report));
      // A record in a later turn is a transaction of its own.
      await audit.record(newEvent());
      assert.equal(transactions, 2);
    });

    it("another process appending at the same time (the CLI beside the server) links into the same chain", async () => {
      const before = await checkAuditChain(twins.first.db);
      let childDone = false;
      const child = appendInChild(twins.url, 200).finally(() => {
        childDone = true;
      });
      const audit = createAuditStore(twins.first.db, clock, nodeRandom);
      // Appending all the while the child runs, so the two really interleave.
      let mine = 0;
      while (!childDone || mine < 40) {
        await audit.record(newEvent());
        mine += 1;
        // better-sqlite3 answers synchronously: without a turn of the event loop the child's exit is never seen.
        await setImmediate();
      }
      assert.equal(await child, 0);
      const report = await checkAuditChain(twins.first.db);
      assert.equal(report.intact, true, JSON.stringify(report));
      assert.equal(report.intact && before.intact && report.rows - before.rows, 200 + mine);
      const actors = await twins.first.db.selectFrom("audit_events").select("actor").where("seq", ">", before.intact ? before.headSeq : 0).orderBy("seq").execute();
      const switches = actors.filter((row, i) => i > 0 && (row.actor === "cli:test") !== (actors[i - 1]?.actor === "cli:test")).length;
      assert.ok(switches >= 2, `the two processes' rows interleave (${switches} switches)`);
    });

    it("an edited detail is reported at its row; restored, the chain holds again", async () => {
      const rows = await seqOfRows(twins.first);
      const target = rows[40]!;
      const original = await twins.first.db.selectFrom("audit_events").select("detail").where("id", "=", target.id).executeTakeFirstOrThrow();
      await twins.first.db.updateTable("audit_events").set({ detail: JSON.stringify({ reason: "nothing happened" }) }).where("id", "=", target.id).execute();
      const report = await checkAuditChain(twins.first.db);
      assert.equal(report.intact, false);
      assert.equal(!report.intact && report.row?.id, target.id);
      assert.equal(!report.intact && report.row?.seq, target.seq);
      assert.match(!report.intact ? report.problem : "", /hash does not match/);
      await twins.first.db.updateTable("audit_events").set({ detail: original.detail }).where("id", "=", target.id).execute();
      assert.equal((await checkAuditChain(twins.first.db)).intact, true);
    });

    it("a deleted row is reported at the row after it (the gap in seq); a deleted last row by the chain head", async () => {
      const rows = await seqOfRows(twins.first);
      const deleted = rows[10]!;
      await twins.first.db.deleteFrom("audit_events").where("id", "=", deleted.id).execute();
      const report = await checkAuditChain(twins.first.db);
      assert.equal(report.intact, false);
      assert.equal(!report.intact && report.row?.id, rows[11]!.id);
      assert.match(!report.intact ? report.problem : "", new RegExp(`seq ${deleted.seq} missing`));
      assert.equal(!report.intact && report.rowsBefore, deleted.seq - 1);
    });

    it("a deleted last row, and a row added with SQL, are reported too", async () => {
      const dir = await backend.open();
      try {
        const audit = createAuditStore(dir.first.db, clock, nodeRandom);
        for (let i = 0; i < 3; i += 1) {
          await audit.record(newEvent());
        }
        const last = (await seqOfRows(dir.first)).at(-1)!;
        await dir.first.db.deleteFrom("audit_events").where("id", "=", last.id).execute();
        const truncated = await checkAuditChain(dir.first.db);
        assert.equal(truncated.intact, false);
        assert.match(!truncated.intact ? truncated.problem : "", /chain head is at seq 3 but the last row is seq 2/);

        const fresh = await backend.open();
        try {
          await createAuditStore(fresh.first.db, clock, nodeRandom).record(newEvent());
          const forged = { id: randomUUID(), at: clock.now(), event: "account.unlocked", outcome: "ok", customer_id: null, actor: "x", ip: "192.0.2.1", user_agent: "", request_id: randomUUID(), detail: "{}" };
          await fresh.first.db.insertInto("audit_events").values({ ...forged, seq: null, hash: null }).execute();
          const report = await checkAuditChain(fresh.first.db);
          assert.equal(report.intact, false);
          assert.equal(!report.intact && report.row?.id, forged.id);
        } finally {
          await fresh.close();
        }
      } finally {
        await dir.close();
      }
    });

    it("migration 0016 chains the rows written before it, in the order they were written", async () => {
      const old = await backend.open();
      try {
        const db = old.first.db;
        // Schema changes by hand under the migration lock: another test process may be migrating beside this one.
        await withMigrationLock(db, old.first.dialect, () => auditChainMigration.down!(db));
        for (let i = 0; i < 7; i += 1) {
          clock.advance(1_000);
          await db
            .insertInto("audit_events")
            .values({ id: randomUUID(), at: clock.now(), event: "code.sent", outcome: "ok", customer_id: null, actor: "system", ip: "192.0.2.1", user_agent: "", request_id: randomUUID(), detail: `{"n":${i}}` } as never)
            .execute();
        }
        await withMigrationLock(db, old.first.dialect, () => auditChainMigration.up(db));
        assert.deepEqual(await checkAuditChain(db), { ...(await checkAuditChain(db)), intact: true, rows: 7, headSeq: 7 });
        const details = await db.selectFrom("audit_events").select("detail").orderBy("seq").execute();
        assert.deepEqual(details.map((row) => JSON.parse(row.detail).n), [0, 1, 2, 3, 4, 5, 6]);
        // And the service appends after them.
        await createAuditStore(db, clock, nodeRandom).record(newEvent());
        const report = await checkAuditChain(db);
        assert.equal(report.intact && report.rows, 8);
      } finally {
        await old.close();
      }
    });
  });
}
