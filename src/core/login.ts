import type { LoginDeps } from "./login-deps.ts";
import type { PendingCodeView } from "./login-challenge.ts";
import type { PasswordStepResult } from "./password-step.ts";
import type { CodeStepResult } from "./code-step.ts";
import type { RequestContext } from "./request-context.ts";
import { CodeStep } from "./code-step.ts";
import { Lockout } from "./lockout.ts";
import { PasswordStep } from "./password-step.ts";
import { bindRateLimits } from "./rate-limit.ts";

export type { LoginDeps, LoginSettings } from "./login-deps.ts";
export type { PendingCodeView } from "./login-challenge.ts";
export type { PasswordStepResult } from "./password-step.ts";
export type { CodeStepResult } from "./code-step.ts";
export { AUTH_METHODS_PASSWORD_AND_CODE, AUTH_METHODS_PASSWORD_ONLY } from "./login-deps.ts";

/**
 * The login flow (DESIGN §2): the password step, then the emailed 6-digit code, with
 * per-customer lockout (NIST SP 800-63B-4 §3.1.3.2), rate limits and an audit trail.
 * Each rule lives in the file named after it; this is what the web layer calls.
 */
export class LoginService {
  private readonly password: PasswordStep;
  private readonly code: CodeStep;

  constructor(deps: LoginDeps) {
    const lockout = new Lockout(deps);
    const limit = bindRateLimits({ limiter: deps.limiter, audit: deps.audit, clock: deps.clock, limits: deps.settings.rateLimits });
    this.password = new PasswordStep(deps, lockout, limit);
    this.code = new CodeStep(deps, lockout, limit);
  }

  passwordStep(input: { loginId: string; password: string }, context: RequestContext): Promise<PasswordStepResult> {
    return this.password.run(input, context);
  }

  pendingCode(preauthToken: string | undefined): Promise<PendingCodeView | null> {
    return this.code.pendingCode(preauthToken);
  }

  codeStep(input: { preauthToken: string | undefined; code: string }, context: RequestContext): Promise<CodeStepResult> {
    return this.code.run(input, context);
  }
}
