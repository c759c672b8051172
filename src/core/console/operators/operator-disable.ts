import type { Clock } from "../../kernel/ports.ts";
import type { AuditLog } from "../../kernel/ports-audit.ts";
import type { OperatorStore } from "./ports-operator.ts";
import type { BackOfficeAction } from "../back-office-action.ts";
import { auditBackOfficeAction } from "../back-office-action.ts";
import { normalizeLoginId } from "../../kernel/credentials.ts";
import { InvalidInputError } from "../../kernel/errors.ts";
import { checkedReason } from "../operator-action.ts";

/**
 * Disables an operator account (someone left the call center, a lost phone); audited
 * with the reason (DESIGN §5). Throws InvalidInputError for an unknown login ID or an
 * operator already disabled.
 */
export async function disableOperator(deps: { operators: OperatorStore; audit: AuditLog; clock: Clock }, loginId: string, action: BackOfficeAction): Promise<void> {
  const reason = checkedReason(action.reason);
  const normalized = normalizeLoginId(loginId);
  const operator = await deps.operators.findByLoginId(normalized);
  if (operator === null) {
    throw new InvalidInputError(`no operator with login ID ${normalized}`);
  }
  if (!(await deps.operators.disable(operator.id, deps.clock.now()))) {
    throw new InvalidInputError(`operator ${normalized} is already disabled`);
  }
  await auditBackOfficeAction(deps.audit, action, "operator.disabled", null, { operatorId: operator.id, operatorLoginId: operator.loginId, reason });
}
