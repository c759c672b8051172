import type { StepUpCode } from "./ports.ts";
import { CodeExpiredError, InvalidCodeError, TooManyCodeAttemptsError } from "./errors.ts";

/** Step-up refusals say to ask for a new code, not to log in again. */
export const STEP_UP = { stepUp: true } as const;

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
