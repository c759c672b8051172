import type { Generated } from "kysely";
import type { OidcClientsTable, OidcConnectionsTable, OidcLogoutDeliveriesTable, OidcPayloadsTable } from "./schema-oidc.ts";

export type { OidcClientsTable, OidcConnectionsTable, OidcLogoutDeliveriesTable, OidcPayloadsTable };

/** Table shapes as Kysely sees them. Times are epoch milliseconds; booleans are 0/1. */
export interface CustomersTable {
  id: string;
  login_id: string;
  email: string;
  name: string;
  password_hash: string;
  mfa_enabled: number;
  created_at: number;
  /** Consecutive failures (passwords and codes together); reset only by a completed login. */
  failed_count: Generated<number>;
  locked_at: number | null;
  /** `YYYY-MM-DD`; null for customers from before migration 0004, who have none on record. */
  birth_date: string | null;
  frozen_at: number | null;
  notify_every_login: Generated<number>;
  /** Migration 0010: the name folded for the console's search (core/name-fold.ts). */
  name_fold: Generated<string>;
  /** Migration 0012: パスキー必須 (the password step answers [5104]); 0/1. */
  passkey_required: Generated<number>;
  /** Migration 0017: after a 重要メール change, recovery by emailed code is refused until then (epoch ms); null: no hold. */
  email_hold_until: number | null;
}

export interface LoginChallengesTable {
  id: string;
  customer_id: string;
  code_hmac: string;
  preauth_hash: string;
  status: string;
  failed_attempts: number;
  sent_at: number;
  expires_at: number;
  ip: string;
  user_agent: string;
}

export interface SessionsTable {
  id_hash: string;
  customer_id: string;
  auth_methods: string;
  created_at: number;
  last_seen_at: number;
  ended_at: number | null;
  /** Why it ended (migration 0018): a SESSION_END_REASONS word; null while live or when ended before. */
  end_reason: string | null;
  ip: string;
  user_agent: string;
}

export interface LoginHistoryTable {
  id: string;
  customer_id: string;
  at: number;
  ip: string;
  user_agent: string;
  auth_methods: string;
}

export interface MailOutboxTable {
  id: string;
  recipient: string;
  subject: string;
  body: string;
  status: string;
  attempts: Generated<number>;
  next_attempt_at: number;
  claimed_until: number | null;
  created_at: number;
  sent_at: number | null;
  last_error: string | null;
  /** Migration 0010: the customer a mail is for and its kind ("code" for code mails); null for older rows. */
  customer_id: string | null;
  kind: string | null;
  /** The relay's reply line when it took the mail (≤ 200 chars, control characters removed). */
  smtp_response: string | null;
  /** Migration 0021 (issue 22 §1): a bounce that came back for this mail; all null while none did. */
  bounce_state: "bounced" | "delayed" | null;
  bounce_reason: string | null;
  /** The DSN's status code ("5.2.2") and the remote server's text (≤ 200 printable characters), for the call center. */
  bounce_status: string | null;
  bounce_diagnostic: string | null;
  bounced_at: number | null;
}

/** Append-only: rows are inserted, never updated or deleted by the application. */
export interface AuditEventsTable {
  id: string;
  at: number;
  event: string;
  outcome: string;
  customer_id: string | null;
  actor: string;
  ip: string;
  user_agent: string;
  request_id: string;
  detail: string;
  /** The row's place in the hash chain (migration 0016): 1, 2, 3 … with no gap. */
  seq: number | null;
  /** SHA-256 of the previous row's hash and this row's content (audit-chain.ts). */
  hash: string | null;
}

/** The audit log's chain head (migration 0016): one row, id 1, locked by every append. */
export interface AuditChainTable {
  id: number;
  seq: number;
  hash: string;
}

export interface RateLimitCountersTable {
  key: string;
  window_start: number;
  window_end: number;
  count: number;
}

export interface StepUpCodesTable {
  id: string;
  customer_id: string;
  purpose: string;
  binding_hash: string;
  code_hmac: string;
  status: string;
  failed_attempts: Generated<number>;
  sent_at: number;
  expires_at: number;
}

export interface KnownDevicesTable {
  customer_id: string;
  device_hash: string;
  first_seen_at: number;
  last_seen_at: number;
}

/** Call-center operators (migration 0008). */
export interface OperatorsTable {
  id: string;
  login_id: string;
  name: string;
  role: string;
  password_hash: string;
  /** Sealed (BodySealer with the "operator-totp" key), never the base32 secret itself. */
  totp_secret: string;
  totp_last_step: number | null;
  failed_count: Generated<number>;
  locked_at: number | null;
  disabled_at: number | null;
  created_at: number;
}

/** Operator console sessions (migration 0009). */
export interface OperatorSessionsTable {
  id_hash: string;
  operator_id: string;
  created_at: number;
  last_seen_at: number;
  ended_at: number | null;
}

/** Security requests (migration 0017): MFA off, a new 重要メール, パスキー必須 off; four eyes and a waiting period. */
export interface SecurityRequestsTable {
  id: string;
  kind: string;
  customer_id: string;
  requested_by: string;
  reason: string;
  created_at: number;
  expires_at: number;
  state: string;
  new_email: string | null;
  decided_by: string | null;
  decided_at: number | null;
  decision_reason: string | null;
  effective_at: number | null;
  cancelled_by: string | null;
  cancelled_at: number | null;
  cancel_reason: string | null;
}

/** A new 重要メール's verification code (migration 0017): only its HMAC, bound to the customer and the operator. */
export interface EmailVerificationsTable {
  id: string;
  customer_id: string;
  operator_id: string;
  email: string;
  code_hmac: string;
  created_at: number;
  expires_at: number;
  failed_attempts: Generated<number>;
  status: string;
}

/** The trading PIN (取引暗証番号, migration 0013): argon2id hash, its own failure count and lock. */
export interface TradingPinsTable {
  customer_id: string;
  pin_hash: string;
  failed_count: Generated<number>;
  locked_at: number | null;
  set_at: number;
}

/** Operation-bound confirmations for the trading site (migration 0014): the canonical operation, its hash, one token. */
export interface ConfirmationsTable {
  id: string;
  customer_id: string;
  type: string;
  operation: string;
  op_sha256: string;
  nonce: string;
  /** The methods asked for, comma-separated in order (e.g. `pin,passkey`). */
  required: string;
  state: string;
  created_at: number;
  expires_at: number;
  issued_at: number | null;
  step_up_id: string | null;
}

/** A customer's passkeys (migration 0012); the public key is the COSE key, base64url. */
export interface PasskeysTable {
  id: string;
  customer_id: string;
  credential_id: string;
  public_key: string;
  counter: Generated<number>;
  /** Comma-separated WebAuthn transports (`internal,hybrid`). */
  transports: Generated<string>;
  device_type: string;
  backed_up: Generated<number>;
  name: string;
  created_at: number;
  last_used_at: number | null;
}

/** WebAuthn challenges kept server-side (migration 0012): hashed, bound, short-lived, taken once. */
export interface WebAuthnChallengesTable {
  id: string;
  purpose: string;
  binding_hash: string;
  customer_id: string | null;
  challenge_hash: string;
  created_at: number;
  expires_at: number;
}

/** Migration 0015: recovery requests waiting to be resolved after their answer (issue 17 item 7). */
export interface RecoveryRequestsTable {
  id: string;
  /** The request and where it came from, as JSON sealed like outbox bodies (an address, a date of birth). */
  payload: string;
  created_at: number;
  /** Until when an instance holds it; null when nobody does. */
  claimed_until: number | null;
  attempts: Generated<number>;
}

export interface Database {
  customers: CustomersTable;
  login_challenges: LoginChallengesTable;
  sessions: SessionsTable;
  login_history: LoginHistoryTable;
  mail_outbox: MailOutboxTable;
  audit_events: AuditEventsTable;
  audit_chain: AuditChainTable;
  rate_limit_counters: RateLimitCountersTable;
  step_up_codes: StepUpCodesTable;
  known_devices: KnownDevicesTable;
  operators: OperatorsTable;
  operator_sessions: OperatorSessionsTable;
  security_requests: SecurityRequestsTable;
  email_verifications: EmailVerificationsTable;
  passkeys: PasskeysTable;
  webauthn_challenges: WebAuthnChallengesTable;
  trading_pins: TradingPinsTable;
  confirmations: ConfirmationsTable;
  recovery_requests: RecoveryRequestsTable;
  oidc_payloads: OidcPayloadsTable;
  oidc_clients: OidcClientsTable;
  oidc_connections: OidcConnectionsTable;
  oidc_logout_deliveries: OidcLogoutDeliveriesTable;
}
