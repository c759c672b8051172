import type { AuditEvent, AuditEventName, AuditLog } from "../kernel/ports-audit.ts";
import type { Operator } from "./operators/ports-operator.ts";
import type { RequestContext } from "../kernel/request-context.ts";
import { readableText } from "../kernel/readable-text.ts";

/**
 * Who does a console action and why (issue 12 §4): every action needs a reason, written to
 * the audit log with the operator's ID.
 */
export interface OperatorAction {
  operator: Operator;
  reason: string;
  context: RequestContext;
}

/**
 * The reason as written to the audit log: readable text (readable-text.ts: NFC, trimmed, 1–500
 * characters, line breaks and tabs kept, nothing hidden or reordered); else [4000].
 */
export function checkedReason(reason: string): string {
  return readableText("reason", reason);
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
