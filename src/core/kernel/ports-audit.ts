/** The audit log: every security event and every operator action, append-only.. */

export interface AuditEvent {
  event: AuditEventName;
  outcome: "ok" | "refused" | "info";
  customerId: string | null;
  /** "customer", "system", the operator's ID, or `cli:<os user>`. */
  actor: string;
  ip: string;
  userAgent: string;
  requestId: string;
  /** Facts for investigators; never a password, a code or a token. */
  detail: Record<string, string | number | boolean | null>;
}

export type AuditEventName =
  | "password.ok"
  | "password.failed"
  | "password.rehashed"
  | "password.changed"
  | "password.reset"
  | "password_reset.requested"
  | "login_id.reminded"
  | "login.notified"
  | "settings.changed"
  | "code.sent"
  | "code.failed"
  | "code.expired"
  | "code.burned"
  | "code.used"
  | "mail.bounced"
  | "account.locked"
  | "account.unlocked"
  | "account.frozen"
  | "account.unfrozen"
  | "email.changed"
  | "mfa.enabled"
  | "mfa_off.requested"
  | "mfa_off.approved"
  | "mfa_off.rejected"
  | "security_request.requested"
  | "security_request.approved"
  | "security_request.rejected"
  | "security_request.cancelled"
  | "security_request.effective"
  | "email_verification.sent"
  | "console.birth_date_checked"
  | "sessions.ended_by_operator"
  | "operator.added"
  | "operator.disabled"
  | "operator.unlocked"
  | "operator.login"
  | "operator.session_ended"
  | "console.customer_viewed"
  | "console.audit_exported"
  | "console.audit_viewed"
  | "console.customers_searched"
  | "console.refused"
  | "console.requested"
  | "login.refused_frozen"
  | "login.refused_passkey_required"
  | "passkey.registered"
  | "passkey.renamed"
  | "passkey.removed"
  | "passkey.failed"
  | "passkey.counter_not_increased"
  | "passkey_required.enabled"
  | "passkey_required.disabled"
  | "login.refused_locked"
  | "session.created"
  | "session.ended"
  | "trading_pin.verified"
  | "trading_pin.failed"
  | "trading_pin.locked"
  | "trading_pin.changed"
  | "trading_pin.unlocked"
  | "confirmation.created"
  | "confirmation.issued"
  | "confirmation.refused"
  | "oidc.connected"
  | "oidc.connection_ended"
  | "rate_limited";

export interface AuditLog {
  record(event: AuditEvent): Promise<void>;
}

/** An audit event as stored: with its ID and time. */
export interface StoredAuditEvent extends AuditEvent {
  id: string;
  at: number;
}

/** A position in a customer's events, newest first: strictly older than (at, id). */
export interface AuditCursor {
  at: number;
  id: string;
}

/** What the customer's login history (ログイン履歴) is read from. */
export interface AccountActivityStore {
  /** The customer's events of `kinds` from `since` on, older than `before`, newest first, at most `limit`. */
  recentEvents(customerId: string, query: { kinds: readonly AuditEventName[]; since: number; before: AuditCursor | null; limit: number }): Promise<StoredAuditEvent[]>;
  /** How many wrong passwords (`password.failed`) of the customer came strictly after `after`, and when the last did. */
  wrongPasswordsAfter(customerId: string, after: number): Promise<WrongPasswords>;
}

/** マイページ's count of wrong passwords since the previous login (issue 21 item 5). */
export interface WrongPasswords {
  count: number;
  /** The last one's time; null when there was none. */
  lastAt: number | null;
}
