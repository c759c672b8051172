import type { Kysely } from "kysely";
import type { Migration } from "kysely/migration";

// Types chosen to mean the same on SQLite and PostgreSQL: text ids, bigint epoch ms, integer flags.
export const loginFlowMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable("customers")
      .addColumn("id", "text", (col) => col.primaryKey())
      .addColumn("login_id", "text", (col) => col.notNull().unique())
      .addColumn("email", "text", (col) => col.notNull())
      .addColumn("name", "text", (col) => col.notNull())
      .addColumn("password_hash", "text", (col) => col.notNull())
      .addColumn("mfa_enabled", "integer", (col) => col.notNull().defaultTo(1))
      .addColumn("created_at", "bigint", (col) => col.notNull())
      .execute();

    await db.schema
      .createTable("login_challenges")
      .addColumn("id", "text", (col) => col.primaryKey())
      .addColumn("customer_id", "text", (col) => col.notNull().references("customers.id"))
      .addColumn("code_hmac", "text", (col) => col.notNull())
      .addColumn("preauth_hash", "text", (col) => col.notNull().unique())
      .addColumn("status", "text", (col) => col.notNull())
      .addColumn("failed_attempts", "integer", (col) => col.notNull().defaultTo(0))
      .addColumn("sent_at", "bigint", (col) => col.notNull())
      .addColumn("expires_at", "bigint", (col) => col.notNull())
      .addColumn("ip", "text", (col) => col.notNull())
      .addColumn("user_agent", "text", (col) => col.notNull())
      .execute();
    await db.schema
      .createIndex("login_challenges_customer_status")
      .on("login_challenges")
      .columns(["customer_id", "status", "sent_at"])
      .execute();

    await db.schema
      .createTable("sessions")
      .addColumn("id_hash", "text", (col) => col.primaryKey())
      .addColumn("customer_id", "text", (col) => col.notNull().references("customers.id"))
      .addColumn("auth_methods", "text", (col) => col.notNull())
      .addColumn("created_at", "bigint", (col) => col.notNull())
      .addColumn("last_seen_at", "bigint", (col) => col.notNull())
      .addColumn("ended_at", "bigint")
      .addColumn("ip", "text", (col) => col.notNull())
      .addColumn("user_agent", "text", (col) => col.notNull())
      .execute();
    await db.schema.createIndex("sessions_customer").on("sessions").column("customer_id").execute();

    await db.schema
      .createTable("login_history")
      .addColumn("id", "text", (col) => col.primaryKey())
      .addColumn("customer_id", "text", (col) => col.notNull().references("customers.id"))
      .addColumn("at", "bigint", (col) => col.notNull())
      .addColumn("ip", "text", (col) => col.notNull())
      .addColumn("user_agent", "text", (col) => col.notNull())
      .addColumn("auth_methods", "text", (col) => col.notNull())
      .execute();
    await db.schema.createIndex("login_history_customer_at").on("login_history").columns(["customer_id", "at"]).execute();

    await db.schema
      .createTable("mail_outbox")
      .addColumn("id", "text", (col) => col.primaryKey())
      .addColumn("recipient", "text", (col) => col.notNull())
      .addColumn("subject", "text", (col) => col.notNull())
      .addColumn("body", "text", (col) => col.notNull())
      .addColumn("status", "text", (col) => col.notNull())
      .addColumn("attempts", "integer", (col) => col.notNull().defaultTo(0))
      .addColumn("next_attempt_at", "bigint", (col) => col.notNull())
      .addColumn("claimed_until", "bigint")
      .addColumn("created_at", "bigint", (col) => col.notNull())
      .addColumn("sent_at", "bigint")
      .addColumn("last_error", "text")
      .execute();
    await db.schema.createIndex("mail_outbox_due").on("mail_outbox").columns(["status", "next_attempt_at"]).execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    for (const table of ["mail_outbox", "login_history", "sessions", "login_challenges", "customers"]) {
      await db.schema.dropTable(table).execute();
    }
  },
};
