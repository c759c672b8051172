import type { AuditEvent, AuditEventName, AuditLog } from "../kernel/ports-audit.ts";

/** An action from the back office (the command line), as opposed to a console operator's `OperatorAction`. */
export interface BackOfficeAction {
  /** Who did it: an operator ID, or `cli:<os user>` for the command line. */
  actor: string;
  /** Why; every operator action carries one into the audit log (DESIGN §5). */
  reason: string;
  ip: string;
  requestId: string;
}

/** Writes a back-office action to the audit log: who (operator or `cli:` user), from where, with its detail. */
export function auditBackOfficeAction(audit: AuditLog, action: Pick<BackOfficeAction, "actor" | "ip" | "requestId">, event: AuditEventName, customerId: string | null, detail: AuditEvent["detail"]): Promise<void> {
  return audit.record({ event, outcome: "ok", customerId, actor: action.actor, ip: action.ip, userAgent: "", requestId: action.requestId, detail });
}
