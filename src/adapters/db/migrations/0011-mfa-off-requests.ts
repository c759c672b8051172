import { sql } from "kysely";
import type { Kysely } from "kysely";
import type { Migration } from "kysely/migration";

// Four eyes on turning MFA off (issue 12 §4, DESIGN §5): an operator's request waits for a
// supervisor other than the requester for 24 hours. The partial unique index allows one
// pending request per customer even when two operators ask at the same moment.
export const mfaOffRequestsMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable("mfa_off_requests")
      .addColumn("id", "text", (col) => col.primaryKey())
      .addColumn("customer_id", "text", (col) => col.notNull().references("customers.id"))
      .addColumn("requested_by", "text", (col) => col.notNull().references("operators.id"))
      .addColumn("reason", "text", (col) => col.notNull())
      .addColumn("created_at", "bigint", (col) => col.notNull())
      .addColumn("expires_at", "bigint", (col) => col.notNull())
      .addColumn("state", "text", (col) => col.notNull())
      .addColumn("decided_by", "text", (col) => col.references("operators.id"))
      .addColumn("decided_at", "bigint")
      .addColumn("decision_reason", "text")
      .addCheckConstraint("mfa_off_requests_state_check", sql`state in ('pending', 'approved', 'rejected', 'expired')`)
      .execute();
    await db.schema.createIndex("mfa_off_requests_one_pending").unique().on("mfa_off_requests").column("customer_id").where(sql.ref("state"), "=", "pending").execute();
    await db.schema.createIndex("mfa_off_requests_state_created").on("mfa_off_requests").columns(["state", "created_at"]).execute();
  },
};
