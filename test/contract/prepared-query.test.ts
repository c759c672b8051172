import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { sql } from "kysely";
import type { DatabaseHandle } from "../../src/adapters/db/connect.ts";
import { prepareQuery } from "../../src/adapters/db/prepared-query.ts";
import { inTransaction } from "../../src/adapters/db/in-transaction.ts";
import { DB_BACKENDS } from "../support/db-backends.ts";

// One prepared query per module, as the stores hold them: the same function serves both databases in this process.
const countFor = prepareQuery<{ key: string; window_start: number; window_end: number }, { count: number }>((db, bind) =>
  db
    .insertInto("rate_limit_counters")
    .values({ key: bind("key"), window_start: bind("window_start"), window_end: bind("window_end"), count: 1 })
    .onConflict((oc) => oc.column("key").doUpdateSet((eb) => ({ count: eb(eb.ref("rate_limit_counters.count"), "+", 1) })))
    .returning(["count"]),
);
const countsAbove = prepareQuery<{ prefix: string; atLeast: number }, { key: string; count: number }>((db, bind) =>
  db
    .selectFrom("rate_limit_counters")
    .select(["key", "count"])
    .where("key", "like", bind("prefix"))
    .where("count", ">=", bind("atLeast"))
    // A constant written in the builder stays a parameter of its own, between the bound ones.
    .where("window_end", ">", 0)
    .orderBy("key"),
);

describe("prepareQuery: a query compiled once per database, run with new values", () => {
  const opened: { name: string; handle: DatabaseHandle; close(): Promise<void> }[] = [];
  before(async () => {
    for (const backend of DB_BACKENDS) {
      const { handle, close } = await backend.open();
      opened.push({ name: backend.name, handle, close });
    }
  });
  after(async () => {
    await Promise.all(opened.map((database) => database.close()));
  });

  it("binds each call's values by name, keeps the builder's constants, on every database in turn", async () => {
    const prefix = `prepared-${Date.now()}-`;
    for (let round = 1; round <= 2; round++) {
      for (const { name, handle } of opened) {
        const first = await countFor(handle.db, { key: `${prefix}a`, window_start: 1, window_end: 2 });
        assert.deepEqual(first.rows.map((row) => Number(row.count)), [round], name);
        await countFor(handle.db, { key: `${prefix}b`, window_start: 1, window_end: 2 });
        await countFor(handle.db, { key: `${prefix}b`, window_start: 1, window_end: 2 });
        const rows = (await countsAbove(handle.db, { prefix: `${prefix}%`, atLeast: 2 * round })).rows;
        assert.deepEqual(rows.map((row) => [row.key, Number(row.count)]), [[`${prefix}b`, 2 * round]], name);
      }
    }
  });

  it("runs inside a transaction, and a rolled-back transaction leaves nothing", async () => {
    for (const { name, handle } of opened) {
      const key = `prepared-rollback-${name}-${Date.now()}`;
      await assert.rejects(
        inTransaction(handle.db, async (trx) => {
          await countFor(trx, { key, window_start: 1, window_end: 2 });
          throw new Error("undo");
        }),
        /undo/,
      );
      const left = await handle.db.selectFrom("rate_limit_counters").select("key").where("key", "=", key).execute();
      assert.deepEqual(left, [], name);
    }
  });

  it("refuses a builder that writes a bound value into the SQL text", async () => {
    const inlined = prepareQuery<{ name: string }, unknown>((db, bind) => db.selectFrom("rate_limit_counters").select(sql.lit(bind("name")).as("x")));
    const first = opened[0];
    assert.ok(first !== undefined);
    await assert.rejects(inlined(first.handle.db, { name: "x" }), /written into the SQL text/);
  });
});
