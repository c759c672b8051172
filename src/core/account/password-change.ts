import type { CommonPasswords } from "../kernel/password-policy.ts";
import type { LoginDeps } from "../login/login-deps.ts";
import type { PendingCodeView } from "../login/login-challenge.ts";
import type { StepUpStore } from "../login/ports-account.ts";
import type { RequestContext } from "../kernel/request-context.ts";
import type { AuthenticatedSession } from "../login/session.ts";
import { auditCustomerEvent } from "../kernel/audit.ts";
import { InvalidCodeError, InvalidCredentialsError, PasswordRejectedError } from "../kernel/errors.ts";
import { normalizePassword } from "../kernel/credentials.ts";
import { Lockout } from "../login/lockout.ts";
import { noticeMail } from "../mail/notice.ts";
import { buildNotice } from "../mail/notice-kinds.ts";
import { passwordRefusal } from "../kernel/password-policy.ts";
import { describeRequestOrigin } from "../kernel/request-origin.ts";
import { SessionStepUpCodes, sessionBinding } from "../login/session-step-up-codes.ts";

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
  private readonly codes: SessionStepUpCodes;

  constructor(deps: PasswordChangeDeps) {
    this.deps = deps;
    this.lockout = new Lockout(deps);
    // A locked account is refused as at the password step, as it always was here.
    this.codes = new SessionStepUpCodes(deps, { purpose: "password_change", bindingOf: sessionBinding, notice: "password-change-code", lockedStep: "password" });
  }

  /** Mails a code for a password change to the 重要メール; a newer one supersedes it. */
  async sendCode(current: AuthenticatedSession, context: RequestContext): Promise<PendingCodeView> {
    return this.codes.send(current, context);
  }

  /** This session's latest code for a password change: where, when and until when (a page refused after step 2 shows it again). */
  async latestCode(current: AuthenticatedSession): Promise<PendingCodeView | null> {
    return this.codes.latest(current);
  }

  async change(current: AuthenticatedSession, input: { currentPassword: string; newPassword: string; code: string }, context: RequestContext): Promise<void> {
    const { hasher, clock, settings, audit, customers, outbox, random, commonPasswords } = this.deps;
    const { customer, session } = current;
    await this.codes.countTry(current, context);
    if (!(await hasher.verify(customer.passwordHash, normalizePassword(input.currentPassword)))) {
      await auditCustomerEvent(audit, context, "password.failed", "refused", customer.id, { reason: "wrong_current_password" });
      await this.lockout.countFailure(customer.id, context, "password");
      throw new InvalidCredentialsError(`wrong current password for customer ${customer.id}`, { currentPassword: true });
    }
    const refusal = passwordRefusal(input.newPassword, { loginId: customer.loginId, commonPasswords, currentPassword: input.currentPassword });
    if (refusal !== null) {
      throw new PasswordRejectedError(refusal, `new password refused (${refusal}) for customer ${customer.id}`);
    }
    const stepUp = await this.codes.check(current, input.code, context);
    const newHash = await hasher.hash(normalizePassword(input.newPassword));
    const changedAt = clock.now();
    const notice = buildNotice("password-changed", settings.brand, { at: changedAt, ...describeRequestOrigin(context) });
    const changed = await outbox.queueWith(noticeMail(settings.brand, customer, notice, { id: random.id(), createdAt: changedAt }), async (stores) => {
      if (!(await stores.stepUps.use(stepUp.id))) {
        return false;
      }
      await stores.customers.updatePasswordHash(customer.id, newHash);
      await stores.sessions.endAllForCustomer(customer.id, changedAt, "password_changed", { except: session.idHash });
      return true;
    });
    if (!changed) {
      throw new InvalidCodeError(`step-up ${stepUp.id} was used concurrently`);
    }
    // Both factors were proven: as after a completed login, the failure count starts again.
    await customers.resetFailures(customer.id);
    await auditCustomerEvent(audit, context, "password.changed", "ok", customer.id, { stepUpId: stepUp.id, otherSessionsEnded: true });
  }
}
