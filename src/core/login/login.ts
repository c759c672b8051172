import type { LoginDeps } from "./login-deps.ts";
import type { IssuedChallenge } from "./login-challenge.ts";
import type { CodeScreen } from "./code-screen.ts";
import type { PasswordStepResult } from "./password-step.ts";
import type { CodeStepResult } from "./code-step.ts";
import type { RequestContext } from "../kernel/request-context.ts";
import type { EnforceRateLimit } from "../kernel/rate-limit.ts";
import { CodeStep } from "./code-step.ts";
import { resendLoginCode } from "./code-resend.ts";
import { codeScreenOf, loginIdToRestart } from "./code-screen.ts";
import { Lockout } from "./lockout.ts";
import { PasswordStep } from "./password-step.ts";
import { rateLimitsOf } from "../kernel/rate-limit.ts";
import { LoginNotifier } from "./login-notifier.ts";
import type { KnownDeviceStore } from "./ports-account.ts";

export type { LoginDeps, LoginSettings } from "./login-deps.ts";
export type { PendingCodeView, IssuedChallenge } from "./login-challenge.ts";
export type { CodeScreen, CodeEndedReason } from "./code-screen.ts";
export type { PasswordStepResult } from "./password-step.ts";
export type { CodeStepResult } from "./code-step.ts";
export { AUTH_METHODS_PASSWORD_AND_CODE, AUTH_METHODS_PASSWORD_ONLY } from "./login-deps.ts";

/** The password step's answer; a login that completed here (MFA off) also names the device cookie to keep. */
export type PasswordStepOutcome = Exclude<PasswordStepResult, { kind: "logged_in" }> | (Extract<PasswordStepResult, { kind: "logged_in" }> & { deviceToken: string });

/**
 * The login flow (DESIGN §2): the password step, then the emailed 6-digit code, with
 * per-customer lockout (NIST SP 800-63B-4 §3.1.3.2), rate limits and an audit trail.
 * Each rule lives in the file named after it; this is what the web layer calls.
 * Every completed login is followed by the login notice (login-notifier.ts).
 */
export class LoginService {
  private readonly password: PasswordStep;
  private readonly code: CodeStep;
  private readonly notifier: LoginNotifier;
  private readonly deps: LoginDeps;
  private readonly guards: { lockout: Lockout; limit: EnforceRateLimit };

  constructor(deps: LoginDeps & { knownDevices: KnownDeviceStore }) {
    const lockout = new Lockout(deps);
    const limit = rateLimitsOf(deps);
    this.password = new PasswordStep(deps, lockout, limit);
    this.notifier = new LoginNotifier(deps);
    this.code = new CodeStep(deps, lockout, limit, this.notifier);
    this.deps = deps;
    this.guards = { lockout, limit };
  }

  async passwordStep(input: { loginId: string; password: string; deviceToken?: string }, context: RequestContext): Promise<PasswordStepOutcome> {
    const result = await this.password.run(input, context);
    if (result.kind !== "logged_in") {
      return result;
    }
    const { deviceToken } = await this.notifier.afterLogin(result.customer, input.deviceToken, context);
    return { ...result, deviceToken };
  }

  /** What the code screen shows for this browser; null when it names no challenge. */
  codeScreen(preauthToken: string | undefined): Promise<CodeScreen | null> {
    return codeScreenOf(this.deps, preauthToken);
  }

  /** 「認証コードを再送信」: a new code for this browser's pending code (code-resend.ts). */
  resendCode(preauthToken: string | undefined, context: RequestContext): Promise<IssuedChallenge> {
    return resendLoginCode(this.deps, this.guards, preauthToken, context);
  }

  /** 「もう一度ログインする」: the login ID to fill in, while this browser's pre-auth state lives. */
  loginIdToRestart(preauthToken: string | undefined): Promise<string | null> {
    return loginIdToRestart(this.deps, preauthToken);
  }

  /** The code, then the session, its audit rows and the login notice (code-step.ts). */
  codeStep(input: { preauthToken: string | undefined; code: string; deviceToken?: string }, context: RequestContext): Promise<CodeStepResult> {
    return this.code.run(input, context);
  }
}
