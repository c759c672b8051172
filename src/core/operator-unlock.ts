import type { AuditLog, OperatorStore } from "./ports.ts";
import type { BackOfficeAction } from "./account-unlock.ts";
import { normalizeLoginId } from "./credentials.ts";
import { InvalidInputError } from "./errors.ts";
import { checkedReason } from "./operator-action.ts";

/**
 * Unlocks an operator locked by LOCKOUT_THRESHOLD wrong passwords or TOTP codes, and clears the
 * failure count; audited with the reason (DESIGN §5). A back-office act (the command line), not a
 * console one: an operator must not be able to lift another's lock from the console it guards.
 * Throws InvalidInputError for an unknown login ID, a disabled operator or one that is not locked.
 */
export async function unlockOperator(deps: { operators: OperatorStore; audit: AuditLog }, loginId: string, action: BackOfficeAction): Promise<void> {
  const reason = checkedReason(action.reason);
  const normalized = normalizeLoginId(loginId);
  const operator = await deps.operators.findByLoginId(normalized);
  if (operator === null) {
    throw new InvalidInputError(`no operator with login ID ${normalized}`);
  }
  if (operator.disabledAt !== null) {
    // Nothing to gain: a disabled operator cannot log in, locked or not.
    throw new InvalidInputError(`operator ${normalized} is disabled`);
  }
  if (!(await deps.operators.unlock(operator.id))) {
    throw new InvalidInputError(`operator ${normalized} is not locked`);
  }
  await deps.audit.record({
    event: "operator.unlocked",
    outcome: "ok",
    customerId: null,
    actor: action.actor,
    ip: action.ip,
    userAgent: "",
    requestId: action.requestId,
    detail: { operatorId: operator.id, operatorLoginId: operator.loginId, reason, lockedAt: operator.lockedAt },
  });
}
