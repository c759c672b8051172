import type { Generated } from "kysely";

// The OpenID Provider's tables (migration 0020, issue 20), apart from schema.ts so each file stays one screen of tables.

/** Migration 0020: what oidc-provider's adapter keeps, keyed by the SHA-256 of the id (issue 20). */
export interface OidcPayloadsTable {
  model: string;
  id_hash: string;
  /**
   * The payload's JSON sealed (AES-256-GCM, key `oidc-payload-seal`): findByUid must give a Session back with
   * its id, the `_session` cookie, and an Interaction carries that cookie, so nothing usable is kept readable.
   */
  payload: string;
  grant_id: string | null;
  uid: string | null;
  user_code_hash: string | null;
  expires_at: number | null;
  consumed_at: number | null;
}

/** Migration 0020: the relying parties registered from the CLI. */
export interface OidcClientsTable {
  client_id: string;
  name: string;
  /** SHA-256 (hex) of the secret; null for a public client (the app). */
  secret_hash: string | null;
  /** JSON arrays of exact URIs. */
  redirect_uris: string;
  post_logout_redirect_uris: string;
  backchannel_logout_uri: string | null;
  created_at: number;
  secret_rotated_at: number | null;
}

/** Migration 0020: a grant a client holds through one okb-login session (issue 20 items 6 and 8). */
export interface OidcConnectionsTable {
  id: string;
  customer_id: string;
  client_id: string;
  grant_id: string;
  /** The `sid` of the ID tokens the client received. */
  sid: string;
  session_id_hash: string;
  created_at: number;
  last_used_at: number;
  ended_at: number | null;
  end_reason: string | null;
}

/** Migration 0020: back-channel logout tokens to deliver, retried with backoff. */
export interface OidcLogoutDeliveriesTable {
  id: string;
  client_id: string;
  sub: string;
  sid: string;
  created_at: number;
  attempts: Generated<number>;
  next_attempt_at: number;
  claimed_until: number | null;
  delivered_at: number | null;
  given_up_at: number | null;
  last_error: string | null;
}
