import { sql } from "kysely";
import type { Kysely } from "kysely";
import type { Migration } from "kysely/migration";

// Issue 20: okb-login becomes an OpenID Provider (oidc-provider 9) with its storage in our database.
// - oidc_payloads: what oidc-provider's adapter keeps (codes, tokens, grants, sessions, interactions),
//   one table for every model, as its example adapters do. The key is the SHA-256 of the id: an
//   opaque token's id is the token itself, so the table holds no usable token.
// - oidc_clients: the relying parties registered from the CLI; a confidential client's secret only
//   as its SHA-256 (a 256-bit random secret needs no slow hash).
// - oidc_connections: which okb-login session gave which client a grant (the sid in its ID token),
//   so that the end of that session reaches the client, and the customer and the call center see it.
// - oidc_logout_deliveries: back-channel logout tokens still to deliver, retried with backoff
//   (durable like the mail outbox); one per client and sid.
export const openIdConnectMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable("oidc_payloads")
      .addColumn("model", "text", (col) => col.notNull())
      .addColumn("id_hash", "text", (col) => col.notNull())
      .addColumn("payload", "text", (col) => col.notNull())
      .addColumn("grant_id", "text")
      .addColumn("uid", "text")
      .addColumn("user_code_hash", "text")
      .addColumn("expires_at", "bigint")
      .addColumn("consumed_at", "bigint")
      .addPrimaryKeyConstraint("oidc_payloads_pk", ["model", "id_hash"])
      .execute();
    await db.schema.createIndex("oidc_payloads_grant").on("oidc_payloads").column("grant_id").where(sql<boolean>`grant_id is not null`).execute();
    await db.schema.createIndex("oidc_payloads_uid").on("oidc_payloads").columns(["model", "uid"]).where(sql<boolean>`uid is not null`).execute();
    await db.schema
      .createIndex("oidc_payloads_user_code")
      .on("oidc_payloads")
      .columns(["model", "user_code_hash"])
      .where(sql<boolean>`user_code_hash is not null`)
      .execute();
    await db.schema.createIndex("oidc_payloads_expires").on("oidc_payloads").column("expires_at").execute();

    await db.schema
      .createTable("oidc_clients")
      .addColumn("client_id", "text", (col) => col.primaryKey())
      .addColumn("name", "text", (col) => col.notNull())
      .addColumn("secret_hash", "text")
      .addColumn("redirect_uris", "text", (col) => col.notNull())
      .addColumn("post_logout_redirect_uris", "text", (col) => col.notNull())
      .addColumn("backchannel_logout_uri", "text")
      .addColumn("created_at", "bigint", (col) => col.notNull())
      .addColumn("secret_rotated_at", "bigint")
      .execute();

    await db.schema
      .createTable("oidc_connections")
      .addColumn("id", "text", (col) => col.primaryKey())
      .addColumn("customer_id", "text", (col) => col.notNull().references("customers.id"))
      .addColumn("client_id", "text", (col) => col.notNull())
      .addColumn("grant_id", "text", (col) => col.notNull())
      .addColumn("sid", "text", (col) => col.notNull())
      .addColumn("session_id_hash", "text", (col) => col.notNull())
      .addColumn("created_at", "bigint", (col) => col.notNull())
      .addColumn("last_used_at", "bigint", (col) => col.notNull())
      .addColumn("ended_at", "bigint")
      .addColumn("end_reason", "text")
      .execute();
    await db.schema.createIndex("oidc_connections_session").on("oidc_connections").column("session_id_hash").execute();
    await db.schema.createIndex("oidc_connections_customer").on("oidc_connections").columns(["customer_id", "ended_at"]).execute();
    await db.schema.createIndex("oidc_connections_grant").on("oidc_connections").column("grant_id").execute();
    // An access token on the JSON API names its client and sid (src/core/oidc/bearer-sessions.ts).
    await db.schema.createIndex("oidc_connections_client_sid").on("oidc_connections").columns(["client_id", "sid"]).execute();

    await db.schema
      .createTable("oidc_logout_deliveries")
      .addColumn("id", "text", (col) => col.primaryKey())
      .addColumn("client_id", "text", (col) => col.notNull())
      .addColumn("sub", "text", (col) => col.notNull())
      .addColumn("sid", "text", (col) => col.notNull())
      .addColumn("created_at", "bigint", (col) => col.notNull())
      .addColumn("attempts", "integer", (col) => col.notNull().defaultTo(0))
      .addColumn("next_attempt_at", "bigint", (col) => col.notNull())
      .addColumn("claimed_until", "bigint")
      .addColumn("delivered_at", "bigint")
      .addColumn("given_up_at", "bigint")
      .addColumn("last_error", "text")
      .execute();
    await db.schema.createIndex("oidc_logout_deliveries_one").unique().on("oidc_logout_deliveries").columns(["client_id", "sid"]).execute();
    await db.schema
      .createIndex("oidc_logout_deliveries_due")
      .on("oidc_logout_deliveries")
      .column("next_attempt_at")
      .where(sql<boolean>`delivered_at is null and given_up_at is null`)
      .execute();
  },
};
