import type { Kysely } from "kysely";
import type { Migration } from "kysely/migration";

// Fresh emailed codes for sensitive changes (password change), bound to the session that asked.
export const stepUpCodesMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable("step_up_codes")
      .addColumn("id", "text", (col) => col.primaryKey())
      .addColumn("customer_id", "text", (col) => col.notNull().references("customers.id"))
      .addColumn("purpose", "text", (col) => col.notNull())
      .addColumn("binding_hash", "text", (col) => col.notNull())
      .addColumn("code_hmac", "text", (col) => col.notNull())
      .addColumn("status", "text", (col) => col.notNull())
      .addColumn("failed_attempts", "integer", (col) => col.notNull().defaultTo(0))
      .addColumn("sent_at", "bigint", (col) => col.notNull())
      .addColumn("expires_at", "bigint", (col) => col.notNull())
      .execute();
    await db.schema.createIndex("step_up_codes_customer_purpose").on("step_up_codes").columns(["customer_id", "purpose", "sent_at"]).execute();
  },
};
