import { sql } from "kysely";
import type { Kysely } from "kysely";
import type { Migration } from "kysely/migration";

// Operation-bound confirmations for the trading site (issue 13 §5, §6): one row per operation the
// customer is asked to confirm. The operation is kept as its RFC 8785 canonical JSON with its
// SHA-256, so the token and the passkey challenge name exactly what was shown. A row issues one
// token: pending → issued in one UPDATE … WHERE state = 'pending'.
export const confirmationsMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable("confirmations")
      .addColumn("id", "text", (col) => col.primaryKey())
      .addColumn("customer_id", "text", (col) => col.notNull().references("customers.id"))
      .addColumn("type", "text", (col) => col.notNull())
      .addColumn("operation", "text", (col) => col.notNull())
      .addColumn("op_sha256", "text", (col) => col.notNull())
      .addColumn("nonce", "text", (col) => col.notNull())
      .addColumn("required", "text", (col) => col.notNull())
      .addColumn("state", "text", (col) => col.notNull())
      .addColumn("created_at", "bigint", (col) => col.notNull())
      .addColumn("expires_at", "bigint", (col) => col.notNull())
      .addColumn("issued_at", "bigint")
      .addColumn("step_up_id", "text", (col) => col.references("step_up_codes.id"))
      .addCheckConstraint("confirmations_type_check", sql`type in ('trade', 'withdrawal', 'bank_account_change')`)
      .addCheckConstraint("confirmations_state_check", sql`state in ('pending', 'issued')`)
      .execute();
    await db.schema.createIndex("confirmations_customer_created").on("confirmations").columns(["customer_id", "created_at"]).execute();
  },
};
