import type { CodeMailFacts } from "../mail/notice-blocks.ts";
import type { LoginDeps } from "./login-deps.ts";
import type { Random } from "../kernel/ports.ts";
import type { StepUpCode, StepUpPurpose, StepUpStore } from "./ports-account.ts";
import type { RequestContext } from "../kernel/request-context.ts";
import { auditCustomerEvent } from "../kernel/audit.ts";
import { codeHmac, codeMatches, generateCode, normalizeCodeInput } from "../kernel/email-code.ts";
import type { CodeKeys } from "../kernel/email-code.ts";
import { CodeExpiredError, InvalidCodeError, TooManyCodeAttemptsError } from "../kernel/errors.ts";
import { MAX_CODE_ATTEMPTS } from "../kernel/limits.ts";
import { Lockout } from "./lockout.ts";
import { describeRequestOrigin } from "../kernel/request-origin.ts";

/** What the step-up code rules work with: the login's deps (lockout, audit, code key) and the step-up store. */
export interface StepUpCodeDeps extends LoginDeps {
  stepUps: StepUpStore;
}

/** Step-up refusals say to ask for a new code, not to log in again. */
export const STEP_UP = { stepUp: true } as const;

/**
 * A new pending step-up code and the code to mail: only its HMAC is stored. `id` is drawn first,
 * then the code, when the caller has none (a confirmation brings its own).
 */
export function newStepUpCode(
  deps: { random: Random; settings: { codeKeys: CodeKeys } },
  fields: { id?: string | null; customerId: string; purpose: StepUpPurpose; bindingHash: string; sentAt: number; expiresAt: number },
): { stepUp: StepUpCode; code: string } {
  const id = fields.id ?? deps.random.id();
  const code = generateCode(deps.random);
  const { customerId, purpose, bindingHash, sentAt, expiresAt } = fields;
  const stepUp: StepUpCode = { id, customerId, purpose, bindingHash, codeHmac: codeHmac(deps.settings.codeKeys, id, code), status: "pending", failedAttempts: 0, sentAt, expiresAt };
  return { stepUp, code };
}

/** What every code mail states: the code, its limit and the request that asked for it. */
export function codeMailFacts(stepUp: StepUpCode, code: string, context: RequestContext): CodeMailFacts {
  const ttlMinutes = Math.round((stepUp.expiresAt - stepUp.sentAt) / 60_000);
  return { code, sentAt: stepUp.sentAt, expiresAt: stepUp.expiresAt, ttlMinutes, ...describeRequestOrigin(context) };
}

/** The step-up code a request names, still usable at `now`; otherwise throws the answer for its state. */
export function usableStepUp(stepUp: StepUpCode | null, now: number): StepUpCode {
  if (stepUp === null) {
    throw new InvalidCodeError("no code was sent for this request");
  }
  switch (stepUp.status) {
    case "pending":
      break;
    case "superseded":
      throw new InvalidCodeError(`step-up ${stepUp.id} superseded`, { newerCodeSent: true });
    case "burned":
      throw new TooManyCodeAttemptsError(`step-up ${stepUp.id} burned`, STEP_UP);
    case "expired":
      throw new CodeExpiredError(`step-up ${stepUp.id} expired`, STEP_UP);
    case "used":
      throw new InvalidCodeError(`step-up ${stepUp.id} already used`);
  }
  if (now >= stepUp.expiresAt) {
    throw new CodeExpiredError(`step-up ${stepUp.id} expired`, STEP_UP);
  }
  return stepUp;
}

/**
 * Resolves when `typed` is the usable `stepUp`'s code. A wrong code counts on the code (the 5th
 * burns it, [5123]) and toward the login's lockout, unless `countsTowardLockout` is false (a reset
 * of a locked account: only the code's own tries count); [5121] otherwise, with the "newer code
 * sent" hint when it is the code of one of the `earlier` superseded codes (a slow mail).
 */
export async function checkTypedCode(
  deps: StepUpCodeDeps,
  stepUp: StepUpCode,
  typed: string,
  context: RequestContext,
  options?: { earlier?: readonly StepUpCode[]; countsTowardLockout?: boolean },
): Promise<void> {
  const { codeKeys } = deps.settings;
  const code = normalizeCodeInput(typed);
  if (code === null) {
    throw new InvalidCodeError(`malformed code for step-up ${stepUp.id}`);
  }
  if (codeMatches(codeKeys, stepUp.id, code, stepUp.codeHmac)) {
    return;
  }
  const newerCodeSent = (options?.earlier ?? []).some((earlier) => earlier.status === "superseded" && codeMatches(codeKeys, earlier.id, code, earlier.codeHmac));
  const outcome = await deps.stepUps.recordWrongCode(stepUp.id, MAX_CODE_ATTEMPTS);
  await auditCustomerEvent(deps.audit, context, "code.failed", "refused", stepUp.customerId, { purpose: stepUp.purpose, attempt: outcome?.failedAttempts ?? null });
  if (options?.countsTowardLockout !== false) {
    await new Lockout(deps).countFailure(stepUp.customerId, context, "code");
  }
  if (outcome?.status === "burned") {
    await auditCustomerEvent(deps.audit, context, "code.burned", "refused", stepUp.customerId, { purpose: stepUp.purpose });
    throw new TooManyCodeAttemptsError(`step-up ${stepUp.id} burned`, STEP_UP);
  }
  throw new InvalidCodeError(`wrong code for step-up ${stepUp.id}`, { newerCodeSent });
}
