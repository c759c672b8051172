import type { LoginDeps } from "./login-deps.ts";
import type { RequestContext } from "../kernel/request-context.ts";
import { auditCustomerEvent } from "../kernel/audit.ts";
import { AccountLockedError } from "../kernel/errors.ts";
import { UNKNOWN_LOGIN_ID_FAILURE_WINDOW_SECONDS } from "../kernel/limits.ts";
import { buildNotice } from "../mail/notice-kinds.ts";
import { noticeMail } from "../mail/notice.ts";
import { describeRequestOrigin } from "../kernel/request-origin.ts";

export type LoginStepName = "password" | "code" | "passkey";

/**
 * Per-customer lockout (NIST SP 800-63B-4 §3.1.3.2): wrong passwords and wrong codes
 * count together; `lockoutThreshold` consecutive failures lock the account until the
 * call center unlocks it. The lock mails a notice and ends the customer's sessions.
 */
export class Lockout {
  private readonly deps: LoginDeps;

  constructor(deps: LoginDeps) {
    this.deps = deps;
  }

  /**
   * One more consecutive failure. Throws [5102] when it locked the account, and when
   * the account was already locked: failures that raced past the lock check before the
   * hash queue get the locked answer, never a hint about the password.
   */
  async countFailure(customerId: string, context: RequestContext, step: LoginStepName): Promise<void> {
    const { customers, clock, settings, audit, sessions } = this.deps;
    const lockedAt = clock.now();
    const { failedCount, lockedNow, alreadyLocked } = await customers.recordFailure(customerId, settings.lockoutThreshold, lockedAt);
    if (alreadyLocked) {
      throw await this.refuse(customerId, context, step);
    }
    if (lockedNow) {
      const noticeMailId = await this.mailLockNotice(customerId, lockedAt, context);
      await auditCustomerEvent(audit, context, "account.locked", "info", customerId, { failedCount, noticeMailId });
      // Someone is guessing: a session they may already hold (or the customer's own) ends with the lock.
      await sessions.endAll(customerId, "account_locked", context);
      throw this.lockedError(`customer ${customerId} locked by a wrong ${step}`);
    }
  }

  /**
   * A real ID answers [5102] from its `lockoutThreshold`-th failure on; an unknown ID must
   * answer the same sequence, or the lockout tells which IDs exist. Counted in the rate-limit
   * store under a keyed hash of the ID (nothing is written to customers); true from the
   * threshold-th failure on.
   */
  async countUnknownIdFailure(loginId: string): Promise<boolean> {
    const { limiter, settings, clock } = this.deps;
    const decision = await limiter.consume(`unknownLoginIdFailures:${loginId}`, settings.lockoutThreshold - 1, UNKNOWN_LOGIN_ID_FAILURE_WINDOW_SECONDS, clock.now());
    return !decision.allowed;
  }

  /** Audits an attempt on a locked account and returns the [5102] to throw. */
  async refuse(customerId: string, context: RequestContext, step: LoginStepName): Promise<AccountLockedError> {
    await auditCustomerEvent(this.deps.audit, context, "login.refused_locked", "refused", customerId, { step });
    return this.lockedError(`customer ${customerId} is locked`);
  }

  lockedError(detail: string): AccountLockedError {
    return new AccountLockedError(this.deps.settings.brand.callCenterPhone, detail);
  }

  /**
   * Tells the customer at once, by mail to the registered address, that the account
   * was locked and from where. Queued after the lock has committed: should the process
   * die in between, the lock holds and only the notice is lost.
   */
  private async mailLockNotice(customerId: string, lockedAt: number, context: RequestContext): Promise<string | null> {
    const { customers, outbox, random, settings } = this.deps;
    const customer = await customers.findById(customerId);
    if (customer === null) {
      return null;
    }
    const id = random.id();
    const notice = buildNotice("account-locked", settings.brand, { at: lockedAt, ...describeRequestOrigin(context) });
    await outbox.queue(noticeMail(settings.brand, customer, notice, { id, createdAt: lockedAt }));
    return id;
  }
}
