import type { Clock, PasswordHasher, RateLimiter } from "../../kernel/ports.ts";
import type { AuditLog } from "../../kernel/ports-audit.ts";
import type { Operator, OperatorRole, OperatorStore } from "./ports-operator.ts";
import type { EnforceRateLimit } from "../../kernel/rate-limit.ts";
import type { RequestContext } from "../../kernel/request-context.ts";
import type { OperatorSessions } from "./operator-session.ts";
import { normalizeLoginId, normalizePassword } from "../../kernel/credentials.ts";
import { AccountLockedError, InvalidCredentialsError, InvalidInputError } from "../../kernel/errors.ts";
import { LOGIN_ID_PATTERN, MAX_PASSWORD_LENGTH, UNKNOWN_LOGIN_ID_FAILURE_WINDOW_SECONDS } from "../../kernel/limits.ts";
import { acceptOperatorTotp } from "./operator-totp.ts";

export interface OperatorLoginDeps {
  operators: OperatorStore;
  hasher: PasswordHasher;
  clock: Clock;
  audit: AuditLog;
  limit: EnforceRateLimit;
  /** Counts failures on login IDs that are no (enabled) operator's, so they answer as a real one would. */
  limiter: RateLimiter;
  sessions: OperatorSessions;
  settings: { lockoutThreshold: number; callCenterPhone: string };
}

/** Rate-limit subjects of the console, kept apart from the customers' (same rules, own counters). */
const SUBJECT_PREFIX = "console:";
/** The console's [5101] names the three things an operator types, one message whichever was wrong. */
const CONSOLE_MESSAGE = { operatorConsole: true };

/**
 * Operator login (issue 12, DESIGN §5): login ID + password + TOTP in one request. Every
 * wrong factor, an unknown ID and a disabled operator get the one [5101], so the answer
 * tells nobody which factor failed; wrong passwords and TOTP codes count toward the
 * operator's lockout (NIST SP 800-63B-4 §3.1.3.2, LOCKOUT_THRESHOLD) and a locked
 * operator gets [5102] until unlocked. Unknown and disabled IDs answer the same sequence.
 */
export class OperatorLogin {
  private readonly deps: OperatorLoginDeps;

  constructor(deps: OperatorLoginDeps) {
    this.deps = deps;
  }

  async login(input: { loginId: string; password: string; totp: string }, context: RequestContext): Promise<{ sessionToken: string; operator: Operator; role: OperatorRole }> {
    const { operators, hasher, clock, limit } = this.deps;
    const loginId = normalizeLoginId(input.loginId);
    const password = normalizePassword(input.password);
    if ([...password].length > MAX_PASSWORD_LENGTH) {
      throw new InvalidInputError("password too long");
    }
    // Before the expensive hash: a flood is refused cheaply.
    await limit("passwordPerIp", `${SUBJECT_PREFIX}${context.ip}`, context);
    await limit("passwordPerLoginId", `${SUBJECT_PREFIX}${loginId}`, context);
    const operator = LOGIN_ID_PATTERN.test(loginId) ? await operators.findByLoginId(loginId) : null;
    if (operator === null) {
      // As long as a wrong password takes: response time does not reveal which IDs exist.
      await hasher.verifyAbsent(password);
      const answeredLocked = await this.countUnknownIdFailure(loginId);
      await this.audit(context, null, "refused", { reason: "unknown_login_id", answeredLocked });
      throw this.unknownIdError("unknown operator login ID", answeredLocked);
    }
    const passwordRight = await hasher.verify(operator.passwordHash, password);
    if (operator.disabledAt !== null) {
      // A disabled operator answers as an unknown ID does, so neither tells that the ID was ever in use.
      const answeredLocked = await this.countUnknownIdFailure(loginId);
      await this.audit(context, operator.id, "refused", { reason: "disabled", answeredLocked });
      throw this.unknownIdError(`operator ${operator.id} is disabled`, answeredLocked);
    }
    if (operator.lockedAt !== null) {
      // Verified all the same; the same answer whatever the factors.
      throw await this.refuseLocked(operator.id, context);
    }
    if (!passwordRight) {
      await this.countFailure(operator.id, context, "wrong_password");
    }
    // The code is spent only after a right password: a guesser cannot burn the operator's codes.
    if (!(await acceptOperatorTotp({ operators }, operator, input.totp, clock.now()))) {
      await this.countFailure(operator.id, context, "wrong_totp");
    }
    // The lock was read before the hash queue: failures racing this login may have locked it since.
    const fresh = await operators.findById(operator.id);
    if (fresh === null || fresh.lockedAt !== null || fresh.disabledAt !== null) {
      throw await this.refuseLocked(operator.id, context);
    }
    await operators.resetFailures(operator.id);
    const sessionToken = await this.deps.sessions.start(operator.id);
    await this.audit(context, operator.id, "ok", {});
    return { sessionToken, operator, role: operator.role };
  }

  /** Counts a wrong factor and throws [5101], or [5102] when this failure locked the operator. */
  private async countFailure(operatorId: string, context: RequestContext, reason: "wrong_password" | "wrong_totp"): Promise<never> {
    const { operators, clock, settings } = this.deps;
    const { failedCount, lockedNow, alreadyLocked } = await operators.recordFailure(operatorId, settings.lockoutThreshold, clock.now());
    await this.audit(context, operatorId, "refused", { reason, failedCount, lockedNow });
    if (alreadyLocked || lockedNow) {
      throw new AccountLockedError(settings.callCenterPhone, `operator ${operatorId} locked (${reason})`);
    }
    throw new InvalidCredentialsError(`${reason} for operator ${operatorId}`, CONSOLE_MESSAGE);
  }

  /**
   * An unknown (or disabled) ID answers the sequence a real operator's does, [5101] and then [5102]
   * from the LOCKOUT_THRESHOLD-th failure on (as customers' unknown IDs: Lockout.countUnknownIdFailure),
   * counted in the rate-limit store under the console's own subject; nothing is written to operators.
   */
  private async countUnknownIdFailure(loginId: string): Promise<boolean> {
    const { limiter, settings, clock } = this.deps;
    const decision = await limiter.consume(`unknownLoginIdFailures:${SUBJECT_PREFIX}${loginId}`, settings.lockoutThreshold - 1, UNKNOWN_LOGIN_ID_FAILURE_WINDOW_SECONDS, clock.now());
    return !decision.allowed;
  }

  private unknownIdError(detail: string, answeredLocked: boolean): InvalidCredentialsError | AccountLockedError {
    if (answeredLocked) {
      return new AccountLockedError(this.deps.settings.callCenterPhone, `${detail}, answered as a locked operator would be`);
    }
    return new InvalidCredentialsError(detail, CONSOLE_MESSAGE);
  }

  private async refuseLocked(operatorId: string, context: RequestContext): Promise<AccountLockedError> {
    await this.audit(context, operatorId, "refused", { reason: "locked" });
    return new AccountLockedError(this.deps.settings.callCenterPhone, `operator ${operatorId} is locked`);
  }

  /** `operator.login` with the operator's ID as actor ("unknown" when no operator matched). */
  private audit(context: RequestContext, operatorId: string | null, outcome: "ok" | "refused", detail: Record<string, string | number | boolean>): Promise<void> {
    return this.deps.audit.record({
      event: "operator.login",
      outcome,
      customerId: null,
      actor: operatorId ?? "unknown",
      ip: context.ip,
      userAgent: context.userAgent,
      requestId: context.requestId,
      detail,
    });
  }
}
