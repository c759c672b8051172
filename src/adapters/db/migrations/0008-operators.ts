import { sql } from "kysely";
import type { Kysely } from "kysely";
import type { Migration } from "kysely/migration";

// The call center's operators (issue 12, DESIGN §5): accounts of their own with password + TOTP.
// The TOTP secret is stored sealed (AES-256-GCM, key from SERVER_SECRET); totp_last_step is the
// last accepted RFC 6238 step, so a code works once.
export const operatorsMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable("operators")
      .addColumn("id", "text", (col) => col.primaryKey())
      .addColumn("login_id", "text", (col) => col.notNull().unique())
      .addColumn("name", "text", (col) => col.notNull())
      .addColumn("role", "text", (col) => col.notNull())
      .addColumn("password_hash", "text", (col) => col.notNull())
      .addColumn("totp_secret", "text", (col) => col.notNull())
      .addColumn("totp_last_step", "bigint")
      .addColumn("failed_count", "integer", (col) => col.notNull().defaultTo(0))
      .addColumn("locked_at", "bigint")
      .addColumn("disabled_at", "bigint")
      .addColumn("created_at", "bigint", (col) => col.notNull())
      .addCheckConstraint("operators_role_check", sql`role in ('agent', 'supervisor')`)
      .execute();
  },
};
