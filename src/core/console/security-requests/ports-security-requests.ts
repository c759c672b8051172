/**
 * The ports of security requests (issue 17 item 2, DESIGN §5): MFA off, a new 重要メール and
 * パスキー必須 off are asked for by any operator, approved by a supervisor other than the
 * requester, and take effect after a waiting period; a new 重要メール is verified by a code
 * first.
 */
import type { SecurityRequestKind } from "../../mail/call-center-notices.ts";

export type { SecurityRequestKind };


export const SECURITY_REQUEST_KINDS: readonly SecurityRequestKind[] = ["mfa_off", "email_change", "passkey_required_off"];

/**
 * pending → approved (waiting until `effectiveAt`) → effective; pending → rejected; pending or
 * approved → cancelled; "expired": still pending in the table but past `expiresAt`, as every
 * read reports it.
 */
export type SecurityRequestState = "pending" | "approved" | "effective" | "rejected" | "cancelled" | "expired";

export const SECURITY_REQUEST_STATES: readonly SecurityRequestState[] = ["pending", "approved", "effective", "rejected", "cancelled", "expired"];

export interface SecurityRequest {
  id: string;
  kind: SecurityRequestKind;
  customerId: string;
  /** The requesting operator's ID. */
  requestedBy: string;
  reason: string;
  createdAt: number;
  /** A pending request not approved by then expires. */
  expiresAt: number;
  state: SecurityRequestState;
  /** email_change: the new address, verified by its code before the request was made; else null. */
  newEmail: string | null;
  decidedBy: string | null;
  decidedAt: number | null;
  decisionReason: string | null;
  /** Set at approval: when the change takes effect (approval + SECURITY_CHANGE_DELAY_HOURS). */
  effectiveAt: number | null;
  /** The operator who cancelled it; null for the system (the customer's state changed meanwhile). */
  cancelledBy: string | null;
  cancelledAt: number | null;
  cancelReason: string | null;
}

/** A request as `create` takes it. */
export type NewSecurityRequest = Pick<SecurityRequest, "id" | "kind" | "customerId" | "requestedBy" | "reason" | "createdAt" | "expiresAt" | "newEmail">;

/** A request as the console lists it: with whom it is for and who asked. */
export interface SecurityRequestListing extends SecurityRequest {
  loginId: string;
  customerName: string;
  /** The requesting operator's login ID. */
  requestedByLoginId: string;
}

export interface SecurityRequestStore {
  /**
   * In one transaction, holding the customer's row: the customer's pending requests past expiry
   * at `createdAt` become "expired", then `request` is inserted. False, with nothing written,
   * while the customer has an open (pending or approved) request of the same kind.
   */
  create(request: NewSecurityRequest): Promise<boolean>;
  /** The request as stored, a pending one past expiry reported "expired"; null when none. */
  findById(id: string, now: number): Promise<SecurityRequest | null>;
  /** pending and not expired at `at` → approved with `effectiveAt`, in one conditional UPDATE: of two racing, one wins. */
  approve(id: string, decision: { by: string; at: number; reason: string; effectiveAt: number }): Promise<boolean>;
  /** pending and not expired at `at` → rejected, as `approve`. */
  reject(id: string, decision: { by: string; at: number; reason: string }): Promise<boolean>;
  /** pending (not expired) or approved → cancelled; `by` null for the system. */
  cancel(id: string, decision: { by: string | null; at: number; reason: string }): Promise<boolean>;
  /**
   * approved and `effectiveAt` ≤ `now` → effective, in one UPDATE … WHERE state = 'approved':
   * run inside the transaction that applies the change, so it is applied once, whichever
   * instance gets there first.
   */
  markEffective(id: string, now: number): Promise<boolean>;
  /** Approved requests whose time has come at `now`, oldest first, at most `limit`. */
  due(now: number, limit: number): Promise<SecurityRequest[]>;
  /** Requests in `state` at `now` (of `kind` when given), newest first, at most `limit`. */
  list(query: { state: SecurityRequestState; now: number; limit: number; kind?: SecurityRequestKind }): Promise<SecurityRequestListing[]>;
  /** The customer's open requests at `now`: pending and not expired, or approved and waiting; newest first. */
  openForCustomer(customerId: string, now: number): Promise<SecurityRequestListing[]>;
}

export type EmailVerificationStatus = "pending" | "used" | "superseded" | "burned";

/** A code mailed to a new 重要メール, which the operator types as the caller reads it back. */
export interface EmailVerification {
  id: string;
  customerId: string;
  /** The operator who had it sent: only they can use it. */
  operatorId: string;
  /** The new address, as it will be stored. */
  email: string;
  /** HMAC-SHA256(server key, id ‖ code), hex. */
  codeHmac: string;
  createdAt: number;
  expiresAt: number;
  failedAttempts: number;
  status: EmailVerificationStatus;
}

export interface EmailVerificationStore {
  /** Supersedes the pending codes of this customer and operator and stores `verification` (pending), in one transaction. */
  start(verification: Omit<EmailVerification, "failedAttempts" | "status">): Promise<void>;
  /** The newest pending code of this customer and operator; null when none. */
  latestPending(customerId: string, operatorId: string): Promise<EmailVerification | null>;
  /** Counts a wrong code on a pending one; burns it at `maxAttempts`; null once not pending. */
  recordWrongCode(id: string, maxAttempts: number): Promise<{ failedAttempts: number; status: EmailVerificationStatus } | null>;
  /** pending → used; false when it was no longer pending (used by a racing request). */
  use(id: string): Promise<boolean>;
}

// This feature's store joins the transaction of a change made with its mail (MailOutbox.queueWith).
declare module "../../kernel/ports.ts" {
  interface AtomicStores {
    securityRequests: SecurityRequestStore;
    emailVerifications: EmailVerificationStore;
  }
}
