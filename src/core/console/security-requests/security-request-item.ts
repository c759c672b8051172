import type { SecurityRequestKind, SecurityRequestListing, SecurityRequestState } from "./ports-security-requests.ts";
import { maskEmail } from "../../kernel/email-address.ts";

/** A request as the console lists it; the new address masked as every address operators see. */
export interface SecurityRequestItem {
  id: string;
  kind: SecurityRequestKind;
  loginId: string;
  customerName: string;
  /** The requesting operator's login ID. */
  requestedBy: string;
  reason: string;
  createdAt: number;
  expiresAt: number;
  state: SecurityRequestState;
  effectiveAt: number | null;
  /** email_change: the new address, masked; else null. */
  newEmail: string | null;
}

/** What a decision answers: the request's state afterwards. */
export interface SecurityRequestDecision {
  id: string;
  kind: SecurityRequestKind;
  state: SecurityRequestState;
  effectiveAt: number | null;
}

/** A stored request as the console lists it. */
export function toSecurityRequestItem(row: SecurityRequestListing): SecurityRequestItem {
  return {
    id: row.id,
    kind: row.kind,
    loginId: row.loginId,
    customerName: row.customerName,
    requestedBy: row.requestedByLoginId,
    reason: row.reason,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
    state: row.state,
    effectiveAt: row.effectiveAt,
    newEmail: row.newEmail === null ? null : maskEmail(row.newEmail),
  };
}
