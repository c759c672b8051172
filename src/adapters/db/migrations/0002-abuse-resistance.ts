import type { Kysely } from "kysely";
import type { Migration } from "kysely/migration";

// Lockout state on the customer, the append-only audit log, and rate-limit counters.
export const abuseResistanceMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable("customers").addColumn("failed_count", "integer", (col) => col.notNull().defaultTo(0)).execute();
    await db.schema.alterTable("customers").addColumn("locked_at", "bigint").execute();

    await db.schema
      .createTable("audit_events")
      .addColumn("id", "text", (col) => col.primaryKey())
      .addColumn("at", "bigint", (col) => col.notNull())
      .addColumn("event", "text", (col) => col.notNull())
      .addColumn("outcome", "text", (col) => col.notNull())
      .addColumn("customer_id", "text")
      .addColumn("actor", "text", (col) => col.notNull())
      .addColumn("ip", "text", (col) => col.notNull())
      .addColumn("user_agent", "text", (col) => col.notNull())
      .addColumn("request_id", "text", (col) => col.notNull())
      .addColumn("detail", "text", (col) => col.notNull())
      .execute();
    await db.schema.createIndex("audit_events_customer_at").on("audit_events").columns(["customer_id", "at"]).execute();
    await db.schema.createIndex("audit_events_at").on("audit_events").column("at").execute();

    await db.schema
      .createTable("rate_limit_counters")
      .addColumn("key", "text", (col) => col.primaryKey())
      .addColumn("window_start", "bigint", (col) => col.notNull())
      .addColumn("window_end", "bigint", (col) => col.notNull())
      .addColumn("count", "integer", (col) => col.notNull())
      .execute();
    await db.schema.createIndex("rate_limit_counters_window_end").on("rate_limit_counters").column("window_end").execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable("rate_limit_counters").execute();
    await db.schema.dropTable("audit_events").execute();
    await db.schema.alterTable("customers").dropColumn("locked_at").execute();
    await db.schema.alterTable("customers").dropColumn("failed_count").execute();
  },
};
