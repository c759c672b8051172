import type { Kysely } from "kysely";
import type { Migration } from "kysely/migration";
import type { Database } from "../schema.ts";
import { AUDIT_CHAIN_GENESIS, chainHash } from "../audit-chain.ts";

// Rows hashed per round trip while backfilling: bounded memory on a large log.
const BACKFILL_BATCH = 500;

// The tamper-evident audit log (issue 17 item 9): every row gets its place in a hash chain (seq) and
// its hash; audit_chain holds the head (the last seq and hash), which every append locks, so
// several instances append one chain. Existing rows are chained in the order they were written
// (time, then id), in batches.
export const auditChainMigration: Migration = {
  async up(untyped: Kysely<unknown>): Promise<void> {
    await untyped.schema.alterTable("audit_events").addColumn("seq", "bigint").execute();
    await untyped.schema.alterTable("audit_events").addColumn("hash", "text").execute();
    await untyped.schema
      .createTable("audit_chain")
      .addColumn("id", "integer", (col) => col.primaryKey())
      .addColumn("seq", "bigint", (col) => col.notNull())
      .addColumn("hash", "text", (col) => col.notNull())
      .execute();

    const db = untyped as unknown as Kysely<Database>;
    let seq = 0;
    let hash = AUDIT_CHAIN_GENESIS;
    let after: { at: number; id: string } | null = null;
    for (;;) {
      let select = db.selectFrom("audit_events").selectAll();
      if (after !== null) {
        const { at, id } = after;
        select = select.where((eb) => eb.or([eb("at", ">", at), eb.and([eb("at", "=", at), eb("id", ">", id)])]));
      }
      const rows = await select.orderBy("at").orderBy("id").limit(BACKFILL_BATCH).execute();
      for (const row of rows) {
        seq += 1;
        hash = chainHash(hash, { ...row, seq });
        await db.updateTable("audit_events").set({ seq, hash }).where("id", "=", row.id).execute();
      }
      const last = rows.at(-1);
      if (last === undefined || rows.length < BACKFILL_BATCH) {
        break;
      }
      after = { at: last.at, id: last.id };
    }
    await db.insertInto("audit_chain").values({ id: 1, seq, hash }).execute();
    // After the backfill: one row per place in the chain.
    await untyped.schema.createIndex("audit_events_seq").on("audit_events").column("seq").unique().execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropIndex("audit_events_seq").execute();
    await db.schema.dropTable("audit_chain").execute();
    await db.schema.alterTable("audit_events").dropColumn("hash").execute();
    await db.schema.alterTable("audit_events").dropColumn("seq").execute();
  },
};
