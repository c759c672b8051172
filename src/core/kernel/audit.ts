import type { AuditEvent, AuditEventName, AuditLog } from "./ports-audit.ts";
import type { RequestContext } from "./request-context.ts";

/** Records a customer-side event of this request, with its IP, User-Agent and request ID. */
export function auditCustomerEvent(
  audit: AuditLog,
  context: RequestContext,
  event: AuditEventName,
  outcome: AuditEvent["outcome"],
  customerId: string | null,
  detail: AuditEvent["detail"] = {},
): Promise<void> {
  return audit.record({
    event,
    outcome,
    customerId,
    actor: "customer",
    ip: context.ip,
    userAgent: context.userAgent,
    requestId: context.requestId,
    detail,
  });
}
