import type { CommonPasswords } from "./password-policy.ts";
import type { LoginDeps } from "./login-deps.ts";
import type { PendingCodeView } from "./login-challenge.ts";
import type { StepUpCode, StepUpStore } from "./ports.ts";
import type { RequestContext } from "./request-context.ts";
import type { AuthenticatedSession } from "./session.ts";
import { auditCustomerEvent } from "./audit.ts";
import { codeHmac, codeMatches, generateCode, normalizeCodeInput } from "./email-code.ts";
import { maskEmail } from "./email-address.ts";
import { InvalidCodeError, InvalidCredentialsError, PasswordRejectedError, TooManyCodeAttemptsError } from "./errors.ts";
import { normalizePassword } from "./credentials.ts";
import { MAX_CODE_ATTEMPTS } from "./limits.ts";
import { Lockout } from "./lockout.ts";
import { noticeMail } from "./notice.ts";
import { passwordChangeCodeNotice } from "./password-change-code-mail.ts";
import { passwordChangedNotice } from "./password-changed-notice.ts";
import { passwordRefusal } from "./password-policy.ts";
import { bindRateLimits } from "./rate-limit.ts";
import type { EnforceRateLimit } from "./rate-limit.ts";
import { describeRequestOrigin } from "./request-origin.ts";
import { hashToken } from "./token-hash.ts";
import { STEP_UP, usableStepUp } from "./step-up-code.ts";

export interface PasswordChangeDeps extends LoginDeps {
  stepUps: StepUpStore;
  commonPasswords: CommonPasswords;
}

/**
 * Password change from the customer area (DESIGN §4, issue 11): the current password and a
 * fresh emailed code, bound to this session. Wrong passwords and wrong codes count toward the
 * lockout as at login; the code mails count toward the code-mail limit. On success every other
 * session ends and a notice is mailed, in the same transaction as the new hash.
 */
export class PasswordChange {
  private readonly deps: PasswordChangeDeps;
  private readonly lockout: Lockout;
  private readonly limit: EnforceRateLimit;

  constructor(deps: PasswordChangeDeps) {
    this.deps = deps;
    this.lockout = new Lockout(deps);
    this.limit = bindRateLimits({ limiter: deps.limiter, audit: deps.audit, clock: deps.clock, limits: deps.settings.rateLimits });
  }

  /** Mails a code for a password change to the 重要メール; a newer one supersedes it. */
  async sendCode(current: AuthenticatedSession, context: RequestContext): Promise<PendingCodeView> {
    const { random, clock, settings, outbox, audit } = this.deps;
    const { customer } = current;
    await this.limit("codeMailsPerCustomer", customer.id, context, { customerId: customer.id });
    const sentAt = clock.now();
    const id = random.id();
    const code = generateCode(random);
    const stepUp: StepUpCode = {
      id,
      customerId: customer.id,
      purpose: "password_change",
      bindingHash: bindingOf(current),
      codeHmac: codeHmac(settings.codeKey, id, code),
      status: "pending",
      failedAttempts: 0,
      sentAt,
      expiresAt: sentAt + settings.codeTtlSeconds * 1000,
    };
    const notice = passwordChangeCodeNotice(settings.brand, {
      code,
      sentAt,
      expiresAt: stepUp.expiresAt,
      ttlMinutes: Math.round(settings.codeTtlSeconds / 60),
      ...describeRequestOrigin(context),
    });
    const mail = noticeMail(settings.brand, customer, notice, { id: random.id(), createdAt: sentAt, kind: "code" });
    if (!(await outbox.queueWith(mail, (stores) => stores.stepUps.start(stepUp)))) {
      throw await this.lockout.refuse(customer.id, context, "password");
    }
    await auditCustomerEvent(audit, context, "code.sent", "ok", customer.id, { purpose: "password_change", stepUpId: id });
    return { maskedEmail: maskEmail(customer.email), sentAt, expiresAt: stepUp.expiresAt };
  }

  async change(current: AuthenticatedSession, input: { currentPassword: string; newPassword: string; code: string }, context: RequestContext): Promise<void> {
    const { hasher, stepUps, clock, settings, audit, customers, outbox, random, commonPasswords } = this.deps;
    const { customer, session } = current;
    await this.limit("codePerCustomer", customer.id, context, { customerId: customer.id });
    if (!(await hasher.verify(customer.passwordHash, normalizePassword(input.currentPassword)))) {
      await auditCustomerEvent(audit, context, "password.failed", "refused", customer.id, { reason: "wrong_current_password" });
      await this.lockout.countFailure(customer.id, context, "password");
      throw new InvalidCredentialsError(`wrong current password for customer ${customer.id}`, { currentPassword: true });
    }
    const refusal = passwordRefusal(input.newPassword, { loginId: customer.loginId, commonPasswords, currentPassword: input.currentPassword });
    if (refusal !== null) {
      throw new PasswordRejectedError(refusal, `new password refused (${refusal}) for customer ${customer.id}`);
    }
    const recent = (await stepUps.recentBound("password_change", bindingOf(current), RECENT_CODES_CHECKED)).filter((stepUp) => stepUp.customerId === customer.id);
    const stepUp = usableStepUp(recent[0] ?? null, clock.now());
    const code = normalizeCodeInput(input.code);
    if (code === null) {
      throw new InvalidCodeError(`malformed code for step-up ${stepUp.id}`);
    }
    if (!codeMatches(settings.codeKey, stepUp.id, code, stepUp.codeHmac)) {
      // A slow mail: the customer typed the code of an earlier request of this session.
      const older = recent.slice(1).some((earlier) => earlier.status === "superseded" && codeMatches(settings.codeKey, earlier.id, code, earlier.codeHmac));
      await this.wrongCode(stepUp, context, { newerCodeSent: older });
    }
    const newHash = await hasher.hash(normalizePassword(input.newPassword));
    const changedAt = clock.now();
    const notice = passwordChangedNotice(settings.brand, { changedAt, ...describeRequestOrigin(context) });
    const changed = await outbox.queueWith(noticeMail(settings.brand, customer, notice, { id: random.id(), createdAt: changedAt }), async (stores) => {
      if (!(await stores.stepUps.use(stepUp.id))) {
        return false;
      }
      await stores.customers.updatePasswordHash(customer.id, newHash);
      await stores.sessions.endAllForCustomer(customer.id, changedAt, { except: session.idHash });
      return true;
    });
    if (!changed) {
      throw new InvalidCodeError(`step-up ${stepUp.id} was used concurrently`);
    }
    // Both factors were proven: as after a completed login, the failure count starts again.
    await customers.resetFailures(customer.id);
    await auditCustomerEvent(audit, context, "password.changed", "ok", customer.id, { stepUpId: stepUp.id, otherSessionsEnded: true });
  }

  /** Counts a wrong code on the step-up and on the customer's lockout; always throws. */
  private async wrongCode(stepUp: StepUpCode, context: RequestContext, options: { newerCodeSent: boolean }): Promise<never> {
    const outcome = await this.deps.stepUps.recordWrongCode(stepUp.id, MAX_CODE_ATTEMPTS);
    await auditCustomerEvent(this.deps.audit, context, "code.failed", "refused", stepUp.customerId, { purpose: stepUp.purpose, attempt: outcome?.failedAttempts ?? null });
    await this.lockout.countFailure(stepUp.customerId, context, "code");
    if (outcome?.status === "burned") {
      await auditCustomerEvent(this.deps.audit, context, "code.burned", "refused", stepUp.customerId, { purpose: stepUp.purpose });
      throw new TooManyCodeAttemptsError(`step-up ${stepUp.id} burned`, STEP_UP);
    }
    throw new InvalidCodeError(`wrong code for step-up ${stepUp.id}`, options);
  }
}

// Enough to recognise the code of a slow earlier mail; the code-mail limit allows 5 in 15 minutes.
const RECENT_CODES_CHECKED = 6;

/** A step-up code is bound to the session that asked for it, by a hash of the session's stored hash. */
function bindingOf(current: AuthenticatedSession): string {
  return hashToken(current.session.idHash);
}
