import type { AuditEvent, AuditEventName, AuditLog, Operator } from "./ports.ts";
import type { RequestContext } from "./request-context.ts";
import { BROKEN_ENCODING } from "./credentials.ts";
import { InvalidInputError } from "./errors.ts";

/** The longest reason an operator may write (a sentence or two for the audit log). */
export const MAX_REASON_LENGTH = 500;

// Line breaks and tabs are kept (a reason may be a short paragraph); other controls, line/paragraph
// separators and bidi controls could disguise what the audit log and its CSV show.
const NOT_ALLOWED_IN_REASON = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\p{Zl}\p{Zp}\p{Bidi_Control}]/u;

/**
 * Who does a console action and why (issue 12 §4): every action needs a reason, written to
 * the audit log with the operator's ID.
 */
export interface OperatorAction {
  operator: Operator;
  reason: string;
  context: RequestContext;
}

/** The reason as written to the audit log: NFC, trimmed, 1–500 characters, no hidden characters; else [4000]. */
export function checkedReason(reason: string): string {
  const normalized = reason.normalize("NFC").trim();
  if (normalized === "") {
    throw new InvalidInputError("a reason is required");
  }
  if ([...normalized].length > MAX_REASON_LENGTH || BROKEN_ENCODING.test(normalized) || NOT_ALLOWED_IN_REASON.test(normalized)) {
    throw new InvalidInputError("reason too long or with hidden characters");
  }
  return normalized;
}

/** Writes an operator's action to the audit log: actor = the operator's ID, the reason in the detail. */
export function auditOperatorAction(
  audit: AuditLog,
  action: OperatorAction,
  entry: { event: AuditEventName; outcome: AuditEvent["outcome"]; customerId: string | null; detail?: AuditEvent["detail"] },
): Promise<void> {
  return audit.record({
    event: entry.event,
    outcome: entry.outcome,
    customerId: entry.customerId,
    actor: action.operator.id,
    ip: action.context.ip,
    userAgent: action.context.userAgent,
    requestId: action.context.requestId,
    detail: { operatorLoginId: action.operator.loginId, reason: action.reason, ...(entry.detail ?? {}) },
  });
}
