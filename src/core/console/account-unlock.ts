import type { CustomerStore } from "../kernel/ports.ts";
import type { AuditLog } from "../kernel/ports-audit.ts";
import type { BackOfficeAction } from "./back-office-action.ts";
import { auditBackOfficeAction } from "./back-office-action.ts";
import { InvalidInputError } from "../kernel/errors.ts";
import { checkedReason } from "./operator-action.ts";

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
  await auditBackOfficeAction(deps.audit, action, "account.unlocked", customer.id, { reason, lockedAt: customer.lockedAt });
}
