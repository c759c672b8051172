import { sql } from "kysely";
import type { Kysely } from "kysely";
import type { Migration } from "kysely/migration";

// Issue 17 item 2: every change that weakens a customer's protection (MFA off, a new 重要メール,
// パスキー必須 off) is a security request: any operator asks, a supervisor other than the
// requester approves, and it takes effect only after SECURITY_CHANGE_DELAY_HOURS. The MFA-off
// requests of migration 0011 move here (an approved one took effect at approval: "effective").
// A new 重要メール is verified by a code first (email_verifications: only the code's HMAC).
// customers.email_hold_until: after a 重要メール change, recovery by emailed code waits until then.
export const securityRequestsMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable("security_requests")
      .addColumn("id", "text", (col) => col.primaryKey())
      .addColumn("kind", "text", (col) => col.notNull())
      .addColumn("customer_id", "text", (col) => col.notNull().references("customers.id"))
      .addColumn("requested_by", "text", (col) => col.notNull().references("operators.id"))
      .addColumn("reason", "text", (col) => col.notNull())
      .addColumn("created_at", "bigint", (col) => col.notNull())
      .addColumn("expires_at", "bigint", (col) => col.notNull())
      .addColumn("state", "text", (col) => col.notNull())
      .addColumn("new_email", "text")
      .addColumn("decided_by", "text", (col) => col.references("operators.id"))
      .addColumn("decided_at", "bigint")
      .addColumn("decision_reason", "text")
      .addColumn("effective_at", "bigint")
      .addColumn("cancelled_by", "text", (col) => col.references("operators.id"))
      .addColumn("cancelled_at", "bigint")
      .addColumn("cancel_reason", "text")
      .addCheckConstraint("security_requests_kind_check", sql`kind in ('mfa_off', 'email_change', 'passkey_required_off')`)
      .addCheckConstraint("security_requests_state_check", sql`state in ('pending', 'approved', 'effective', 'rejected', 'cancelled', 'expired')`)
      .execute();
    // One open request (pending or approved and waiting) per customer and kind, even when two operators ask at once.
    await db.schema
      .createIndex("security_requests_one_open")
      .unique()
      .on("security_requests")
      .columns(["customer_id", "kind"])
      .where(sql<boolean>`state in ('pending', 'approved')`)
      .execute();
    await db.schema.createIndex("security_requests_state_created").on("security_requests").columns(["state", "created_at"]).execute();
    await db.schema.createIndex("security_requests_state_effective").on("security_requests").columns(["state", "effective_at"]).execute();
    await sql`
      insert into security_requests (id, kind, customer_id, requested_by, reason, created_at, expires_at, state, decided_by, decided_at, decision_reason, effective_at)
      select id, 'mfa_off', customer_id, requested_by, reason, created_at, expires_at,
             case when state = 'approved' then 'effective' else state end,
             decided_by, decided_at, decision_reason,
             case when state = 'approved' then decided_at else null end
      from mfa_off_requests`.execute(db);
    await db.schema.dropTable("mfa_off_requests").execute();

    await db.schema
      .createTable("email_verifications")
      .addColumn("id", "text", (col) => col.primaryKey())
      .addColumn("customer_id", "text", (col) => col.notNull().references("customers.id"))
      .addColumn("operator_id", "text", (col) => col.notNull().references("operators.id"))
      .addColumn("email", "text", (col) => col.notNull())
      .addColumn("code_hmac", "text", (col) => col.notNull())
      .addColumn("created_at", "bigint", (col) => col.notNull())
      .addColumn("expires_at", "bigint", (col) => col.notNull())
      .addColumn("failed_attempts", "integer", (col) => col.notNull().defaultTo(0))
      .addColumn("status", "text", (col) => col.notNull())
      .addCheckConstraint("email_verifications_status_check", sql`status in ('pending', 'used', 'superseded', 'burned')`)
      .execute();
    await db.schema.createIndex("email_verifications_customer_operator").on("email_verifications").columns(["customer_id", "operator_id", "status"]).execute();

    await db.schema.alterTable("customers").addColumn("email_hold_until", "bigint").execute();
  },
};
