import type { AuditLog } from "../../kernel/ports-audit.ts";
import type { OperatorStore } from "./ports-operator.ts";
import type { BackOfficeAction } from "../back-office-action.ts";
import { auditBackOfficeAction } from "../back-office-action.ts";
import type { OperatorAction } from "../operator-action.ts";
import { normalizeLoginId } from "../../kernel/credentials.ts";
import { InvalidInputError, NotFoundError } from "../../kernel/errors.ts";
import { operatorActionRefused, OperatorForbiddenError } from "../console-errors.ts";
import { auditOperatorAction, checkedReason } from "../operator-action.ts";

/**
 * Unlocks an operator locked by LOCKOUT_THRESHOLD wrong passwords or TOTP codes, and clears the
 * failure count; audited with the reason (DESIGN §5), from the command line (any operator; the
 * console's own unlock, for a supervisor lifting an agent's lock, is `unlockOperatorFromConsole`).
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
  await auditBackOfficeAction(deps.audit, action, "operator.unlocked", null, { operatorId: operator.id, operatorLoginId: operator.loginId, reason, lockedAt: operator.lockedAt });
}

/**
 * A supervisor lifts an agent's lock in the console (issue 17 item 15): the reason first ([4000]),
 * then a supervisor only ([4031]), an operator with this login ID ([4040]), an agent ([4031]: a
 * supervisor's lock stays a back-office act, so no supervisor lifts another's lock alone), not
 * disabled ([4000] `operator_disabled`) and locked ([4000] `not_locked`). Audited
 * `operator.unlocked` with the supervisor as actor, the unlocked operator and the reason.
 */
export async function unlockOperatorFromConsole(deps: { operators: OperatorStore; audit: AuditLog }, loginId: string, action: OperatorAction): Promise<void> {
  const reason = checkedReason(action.reason);
  if (action.operator.role !== "supervisor") {
    throw new OperatorForbiddenError(`operator ${action.operator.id} (${action.operator.role}) may not unlock operators`);
  }
  const normalized = normalizeLoginId(loginId);
  const target = await deps.operators.findByLoginId(normalized);
  if (target === null) {
    throw new NotFoundError(`no operator with login ID ${JSON.stringify(normalized.slice(0, 80))}`, { what: "operator" });
  }
  if (target.role !== "agent") {
    throw new OperatorForbiddenError(`operator ${action.operator.id} may not unlock supervisor ${target.id} from the console`);
  }
  if (target.disabledAt !== null) {
    throw operatorActionRefused("operator_disabled", `operator ${target.id} is disabled`);
  }
  if (!(await deps.operators.unlock(target.id))) {
    throw operatorActionRefused("not_locked", `operator ${target.id} is not locked`, { message: { ja: "このオペレーターはロックされていません。", en: "This operator is not locked." } });
  }
  await auditOperatorAction(deps.audit, { ...action, reason }, {
    event: "operator.unlocked",
    outcome: "ok",
    customerId: null,
    detail: { operatorId: target.id, unlockedOperatorLoginId: target.loginId, lockedAt: target.lockedAt },
  });
}
