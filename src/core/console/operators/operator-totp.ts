import type { Operator, OperatorStore } from "./ports-operator.ts";
import { verifyTotp } from "./totp.ts";

/**
 * An operator's TOTP code, checked and spent: true only when it matches a step within
 * the drift window that is newer than the last accepted one, and this call recorded it.
 * A code works once, even when two requests with it race (the store's conditional update).
 */
export async function acceptOperatorTotp(deps: { operators: OperatorStore }, operator: Operator, code: string, now: number): Promise<boolean> {
  const step = verifyTotp(operator.totpSecret, code, now);
  if (step === null) {
    return false;
  }
  return deps.operators.recordTotpStep(operator.id, step);
}
