import type { PasswordChangeDeps } from "./password-change.ts";
import type { Customer } from "../kernel/ports.ts";
import type { RequestContext } from "../kernel/request-context.ts";
import type { EnforceRateLimit } from "../kernel/rate-limit.ts";
import type { PasswordResetAsk, RecoveryQueue, RecoveryRequest } from "./ports-recovery.ts";
import { auditCustomerEvent } from "../kernel/audit.ts";
import { birthDateProblem, normalizeBirthDate } from "../kernel/birth-date.ts";
import { normalizeLoginId, normalizePassword } from "../kernel/credentials.ts";
import { AccountLockedError, InvalidCodeError, InvalidInputError, PasswordRejectedError } from "../kernel/errors.ts";
import { RetryLaterError } from "../kernel/retry-later-errors.ts";
import { LOGIN_ID_PATTERN, PREAUTH_TOKEN_BYTES } from "../kernel/limits.ts";
import { Lockout } from "../login/lockout.ts";
import { noticeMail } from "../mail/notice.ts";
import { passwordRefusal } from "../kernel/password-policy.ts";
import { buildNotice } from "../mail/notice-kinds.ts";
import { rateLimitsOf } from "../kernel/rate-limit.ts";
import { describeRequestOrigin } from "../kernel/request-origin.ts";
import { refuseFrozen } from "../login/frozen-refusal.ts";
import { checkTypedCode, codeMailFacts, newStepUpCode, usableStepUp } from "../login/step-up-code.ts";
import { hashToken } from "../kernel/token-hash.ts";
import { refuseDuringEmailHold } from "../kernel/email-hold.ts";

/** What the reset works with: the password change's, and the queue its requests wait in. */
export type PasswordResetDeps = PasswordChangeDeps & { recoveries: RecoveryQueue };

/**
 * Forgotten password (issue 11 item 5): login ID + date of birth → a code to the 重要メール →
 * code + new password. The request answers the same whatever matched (the browser always gets a
 * reset token) and mails only when both match; wrong dates count toward the lockout like wrong
 * passwords. A reset lifts a lock that failed attempts caused (audited), never a freeze, and
 * ends every session. The request answers in the same time too (issue 17 item 7): it writes itself
 * to the recovery queue, and `resolve` does the lookup, the code and the counting after the answer.
 */
export class PasswordReset {
  private readonly deps: PasswordResetDeps;
  private readonly lockout: Lockout;
  private readonly limit: EnforceRateLimit;

  constructor(deps: PasswordResetDeps) {
    this.deps = deps;
    this.lockout = new Lockout(deps);
    this.limit = rateLimitsOf(deps);
  }

  /** Returns the reset token for the browser's cookie, the same whether or not anything matched. */
  async request(input: { loginId: string; birthDate: string }, context: RequestContext): Promise<{ resetToken: string }> {
    const { random, clock, recoveries } = this.deps;
    const loginId = normalizeLoginId(input.loginId);
    const birthDate = normalizeBirthDate(input.birthDate);
    if (birthDateProblem(birthDate, clock.now()) !== null) {
      throw new InvalidInputError("malformed birth date");
    }
    await this.limit("passwordPerIp", context.ip, context);
    await this.limit("passwordPerLoginId", loginId, context);
    const resetToken = random.token(PREAUTH_TOKEN_BYTES);
    // Issue 17 item 7: the answer waits for nothing that depends on what matches; the lookup,
    // the code and its mail, the counting and the audit come after it (resolve).
    const ask: PasswordResetAsk = { kind: "password_reset", loginId, birthDate, resetTokenHash: hashToken(resetToken) };
    await recoveries.add({ id: random.id(), ask, context, createdAt: clock.now() });
    return { resetToken };
  }

  /** After the answer: a code to the 重要メール when the ID and the date of birth match, else only counted and audited. */
  async resolve(ask: PasswordResetAsk, request: Pick<RecoveryRequest, "context">): Promise<void> {
    const { customers, audit } = this.deps;
    const { loginId, birthDate, resetTokenHash } = ask;
    const { context } = request;
    const customer = LOGIN_ID_PATTERN.test(loginId) ? await customers.findByLoginId(loginId) : null;
    const reason = await this.mismatch(customer, loginId, birthDate, context);
    if (reason !== null || customer === null) {
      await auditCustomerEvent(audit, context, "password_reset.requested", "refused", customer?.id ?? null, { reason: reason ?? "unknown_login_id" });
      return;
    }
    await this.sendCode(customer, resetTokenHash, context);
  }

  async complete(resetToken: string | undefined, input: { code: string; newPassword: string }, context: RequestContext): Promise<void> {
    const { stepUps, customers, hasher, clock, settings, outbox, random, audit, commonPasswords } = this.deps;
    await this.limit("codePerIp", context.ip, context);
    if (resetToken === undefined || resetToken === "") {
      throw new InvalidCodeError("no reset token in this browser");
    }
    const recent = await stepUps.recentBound("password_reset", hashToken(resetToken), 1);
    const stepUp = usableStepUp(recent[0] ?? null, clock.now());
    await this.limit("codePerCustomer", stepUp.customerId, context, { customerId: stepUp.customerId });
    const customer = await customers.findById(stepUp.customerId);
    if (customer === null) {
      throw new InvalidCodeError(`customer of step-up ${stepUp.id} is gone`);
    }
    // While the account is locked only the code's own five tries count.
    await checkTypedCode(this.deps, stepUp, input.code, context, { countsTowardLockout: customer.lockedAt === null });
    if (customer.frozenAt !== null) {
      // After the code (issue 17 item 10): the holder of a reset token proved only an ID and a
      // date of birth, and must not learn that the owner froze the account.
      throw await refuseFrozen(this.deps, customer.id, context, "code");
    }
    // Issue 17 item 2: right after a 重要メール change no reset by emailed code ([5126]); refused only
    // after the right code, so an anonymous caller's uniform answer still tells nothing.
    refuseDuringEmailHold(customer, clock.now(), settings.brand.callCenterPhone);
    const newPassword = normalizePassword(input.newPassword);
    const refusal = passwordRefusal(newPassword, { loginId: customer.loginId, commonPasswords }) ?? ((await hasher.verify(customer.passwordHash, newPassword)) ? "same_as_current" : null);
    if (refusal !== null) {
      throw new PasswordRejectedError(refusal, `new password refused (${refusal}) for customer ${customer.id}`);
    }
    const newHash = await hasher.hash(newPassword);
    const resetAt = clock.now();
    const unlocked = customer.lockedAt !== null;
    const notice = buildNotice("password-reset-done", settings.brand, { at: resetAt, unlocked, ...describeRequestOrigin(context) });
    const done = await outbox.queueWith(noticeMail(settings.brand, customer, notice, { id: random.id(), createdAt: resetAt }), async (stores) => {
      if (!(await stores.stepUps.use(stepUp.id))) {
        return false;
      }
      await stores.customers.updatePasswordHash(customer.id, newHash);
      // The lock came from failed attempts; the customer has just proven the mailbox and chosen a new password.
      await stores.customers.unlock(customer.id);
      await stores.sessions.endAllForCustomer(customer.id, resetAt, "password_changed");
      return true;
    });
    if (!done) {
      throw new InvalidCodeError(`step-up ${stepUp.id} was used concurrently`);
    }
    await customers.resetFailures(customer.id);
    await auditCustomerEvent(audit, context, "password.reset", "ok", customer.id, { stepUpId: stepUp.id, sessionsEnded: true });
    if (unlocked) {
      await this.deps.audit.record({
        event: "account.unlocked",
        outcome: "ok",
        customerId: customer.id,
        actor: "customer",
        ip: context.ip,
        userAgent: context.userAgent,
        requestId: context.requestId,
        detail: { reason: "password_reset", lockedAt: customer.lockedAt },
      });
    }
  }

  /** Why the request sends no code (null when it does); a wrong date counts like a wrong password. */
  private async mismatch(customer: Customer | null, loginId: string, birthDate: string, context: RequestContext): Promise<string | null> {
    if (customer === null) {
      // The same sequence as a real ID's failures, as at login.
      await this.lockout.countUnknownIdFailure(loginId);
      return "unknown_login_id";
    }
    if (customer.frozenAt !== null) {
      return "frozen";
    }
    if (customer.birthDate === null) {
      // Customers from before birth dates were kept: the page tells them to call the call center.
      return "no_birth_date_on_record";
    }
    if (customer.birthDate !== birthDate) {
      if (customer.lockedAt === null) {
        await this.quietly(() => this.lockout.countFailure(customer.id, context, "password"));
      }
      return "wrong_birth_date";
    }
    return null;
  }

  private async sendCode(customer: Customer, resetTokenHash: string, context: RequestContext): Promise<void> {
    const { random, clock, settings, outbox, audit } = this.deps;
    // The code-mail limit still holds; over it, nothing is mailed and the answer does not change.
    const limited = await this.quietly(() => this.limit("codeMailsPerCustomer", customer.id, context, { customerId: customer.id }));
    if (limited) {
      return;
    }
    const sentAt = clock.now();
    const expiresAt = sentAt + settings.codeTtlSeconds * 1000;
    const { stepUp, code } = newStepUpCode(this.deps, { customerId: customer.id, purpose: "password_reset", bindingHash: resetTokenHash, sentAt, expiresAt });
    const notice = buildNotice("password-reset-code", settings.brand, codeMailFacts(stepUp, code, context));
    const sent = await outbox.queueWith(noticeMail(settings.brand, customer, notice, { id: random.id(), createdAt: sentAt, kind: "code" }), (stores) => stores.stepUps.start(stepUp, { evenIfLocked: true }));
    await auditCustomerEvent(audit, context, "password_reset.requested", sent ? "ok" : "refused", customer.id, sent ? { stepUpId: stepUp.id } : { reason: "frozen" });
  }

  /** Runs a check whose refusal must not change the answer; true when it refused. */
  private async quietly(check: () => Promise<void>): Promise<boolean> {
    try {
      await check();
      return false;
    } catch (error) {
      if (error instanceof AccountLockedError || error instanceof RetryLaterError) {
        return true;
      }
      throw error;
    }
  }
}
