import type { CustomerStore } from "../kernel/ports.ts";
import type { AuditLog } from "../kernel/ports-audit.ts";
import { InvalidInputError } from "../kernel/errors.ts";
import { checkedReason } from "./operator-action.ts";

/** An action from the back office (the command line), as opposed to a console operator's `OperatorAction`. */
export interface BackOfficeAction {
  /** Who did it: an operator ID, or `cli:<os user>` for the command line. */
  actor: string;
  /** Why; every operator action carries one into the audit log (DESIGN §5). */
  reason: string;
  ip: string;
  requestId: string;
}

/**
 * Unlocks a locked account (an operator action: the customer called the call
 * center). Clears the failure count too; audited. Throws InvalidInputError for
 * an unknown login ID or an account that is not locked.
 */
export async function unlockAccount(deps: { customers: CustomerStore; audit: AuditLog }, loginId: string, action: BackOfficeAction): Promise<void> {
  const reason = checkedReason(action.reason);
  const customer = await deps.customers.findByLoginId(loginId);
  if (customer === null) {
    throw new InvalidInputError(`no customer with login ID ${loginId}`);
  }
  if (!(await deps.customers.unlock(customer.id))) {
    throw new InvalidInputError(`customer ${loginId} is not locked`);
  }
  await deps.audit.record({
    event: "account.unlocked",
    outcome: "ok",
    customerId: customer.id,
    actor: action.actor,
    ip: action.ip,
    userAgent: "",
    requestId: action.requestId,
    detail: { reason, lockedAt: customer.lockedAt },
  });
}
