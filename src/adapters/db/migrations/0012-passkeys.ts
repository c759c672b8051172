import { sql } from "kysely";
import type { Kysely } from "kysely";
import type { Migration } from "kysely/migration";

// Passkeys (issue 13 §1, WebAuthn): a customer's credentials with their public key, signature
// counter and backup flags; a removed passkey's row is deleted (the audit log keeps the record).
// The WebAuthn ceremonies' challenges are kept server-side, hashed, bound to the session or the
// browser that asked, short-lived and taken once. `passkey_required` (パスキー必須) refuses the
// password step with [5104].
export const passkeysMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable("passkeys")
      .addColumn("id", "text", (col) => col.primaryKey())
      .addColumn("customer_id", "text", (col) => col.notNull().references("customers.id"))
      .addColumn("credential_id", "text", (col) => col.notNull().unique())
      .addColumn("public_key", "text", (col) => col.notNull())
      .addColumn("counter", "bigint", (col) => col.notNull().defaultTo(0))
      .addColumn("transports", "text", (col) => col.notNull().defaultTo(""))
      .addColumn("device_type", "text", (col) => col.notNull())
      .addColumn("backed_up", "integer", (col) => col.notNull().defaultTo(0))
      .addColumn("name", "text", (col) => col.notNull())
      .addColumn("created_at", "bigint", (col) => col.notNull())
      .addColumn("last_used_at", "bigint")
      .addCheckConstraint("passkeys_device_type_check", sql`device_type in ('singleDevice', 'multiDevice')`)
      .execute();
    await db.schema.createIndex("passkeys_customer").on("passkeys").columns(["customer_id", "created_at"]).execute();
    await db.schema
      .createTable("webauthn_challenges")
      .addColumn("id", "text", (col) => col.primaryKey())
      .addColumn("purpose", "text", (col) => col.notNull())
      .addColumn("binding_hash", "text", (col) => col.notNull())
      .addColumn("customer_id", "text", (col) => col.references("customers.id"))
      .addColumn("challenge_hash", "text", (col) => col.notNull())
      .addColumn("created_at", "bigint", (col) => col.notNull())
      .addColumn("expires_at", "bigint", (col) => col.notNull())
      .execute();
    // One live challenge per ceremony and binding: asking again replaces it.
    await db.schema.createIndex("webauthn_challenges_binding").unique().on("webauthn_challenges").columns(["purpose", "binding_hash"]).execute();
    await db.schema.createIndex("webauthn_challenges_expiry").on("webauthn_challenges").column("expires_at").execute();
    await db.schema.alterTable("customers").addColumn("passkey_required", "integer", (col) => col.notNull().defaultTo(0)).execute();
  },
};
