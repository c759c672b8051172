import type { Kysely } from "kysely";
import type { Migration } from "kysely/migration";

// Operator console sessions (issue 12, DESIGN §5): as the customers' sessions, only the
// SHA-256 of a 256-bit cookie token is stored; ended_at is set at logout, timeout or disable.
export const operatorSessionsMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable("operator_sessions")
      .addColumn("id_hash", "text", (col) => col.primaryKey())
      .addColumn("operator_id", "text", (col) => col.notNull().references("operators.id"))
      .addColumn("created_at", "bigint", (col) => col.notNull())
      .addColumn("last_seen_at", "bigint", (col) => col.notNull())
      .addColumn("ended_at", "bigint")
      .execute();
    await db.schema.createIndex("operator_sessions_operator").on("operator_sessions").column("operator_id").execute();
  },
};
