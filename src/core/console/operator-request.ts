import type { AuditEventName, AuditLog } from "../kernel/ports-audit.ts";
import type { AuditRecord } from "./ports-console-read.ts";
import type { Operator } from "./operators/ports-operator.ts";
import type { RequestContext } from "../kernel/request-context.ts";

/** Who reads in the console and from where: an operator action without a reason (reading needs none). */
export interface OperatorRequest {
  operator: Operator;
  context: RequestContext;
}

/** Writes an operator's reading to the audit log (who looked at whom, who exported what): actor = the operator's ID. */
export function auditOperatorRead(
  audit: AuditLog,
  request: OperatorRequest,
  entry: { event: AuditEventName; customerId: string | null; detail?: Record<string, string | number | boolean | null> },
): Promise<void> {
  return audit.record({
    event: entry.event,
    outcome: "info",
    customerId: entry.customerId,
    actor: request.operator.id,
    ip: request.context.ip,
    userAgent: request.context.userAgent,
    requestId: request.context.requestId,
    detail: { operatorLoginId: request.operator.loginId, ...(entry.detail ?? {}) },
  });
}

/** Who did it, as the console shows it: an operator's login ID rather than their row ID; "customer", "system", `cli:<user>` as stored. */
export function auditedActor(event: Pick<AuditRecord, "actor" | "operatorLoginId">): string {
  return event.operatorLoginId ?? event.actor;
}
