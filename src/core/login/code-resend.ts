import type { LoginDeps } from "./login-deps.ts";
import type { Lockout } from "./lockout.ts";
import type { IssuedChallenge } from "./login-challenge.ts";
import type { EnforceRateLimit } from "../kernel/rate-limit.ts";
import type { RequestContext } from "../kernel/request-context.ts";
import { auditCustomerEvent } from "../kernel/audit.ts";
import { CodeExpiredError, InvalidCodeError } from "../kernel/errors.ts";
import { CodeMailLimitError } from "../kernel/retry-later-errors.ts";
import { assertStillPending, issueLoginChallenge } from "./login-challenge.ts";
import { refuseFrozen } from "./frozen-refusal.ts";
import { refuseIfPasskeyRequired } from "./passkey-required-refusal.ts";
import { hashToken } from "../kernel/token-hash.ts";

/**
 * 「認証コードを再送信」 on the code screen (issue 21, item 2): a new code for the pre-auth state
 * this browser holds, sent as a login sends it: the old code superseded, never the same code
 * again (seed Q6), counted toward the code-mail limit ([5125]). Only while this browser's code
 * is pending and unexpired: a code that has ended takes a new login (the password again). The
 * browser gets a new pre-auth token with the new code.
 */
export class CodeResend {
  private readonly deps: LoginDeps;
  private readonly lockout: Lockout;
  private readonly limit: EnforceRateLimit;

  constructor(deps: LoginDeps, lockout: Lockout, limit: EnforceRateLimit) {
    this.deps = deps;
    this.lockout = lockout;
    this.limit = limit;
  }

  async run(preauthToken: string | undefined, context: RequestContext): Promise<IssuedChallenge> {
    const { challenges, customers, clock, audit } = this.deps;
    // The same answers as the code step for a browser whose code cannot take a code any more.
    if (preauthToken === undefined || preauthToken === "") {
      throw new InvalidCodeError("resend without a pre-auth token");
    }
    const challenge = await challenges.findByPreauthHash(hashToken(preauthToken));
    if (challenge === null) {
      throw new InvalidCodeError("resend for an unknown pre-auth token");
    }
    const customer = await customers.findById(challenge.customerId);
    if (customer === null) {
      throw new InvalidCodeError(`customer of challenge ${challenge.id} is gone`);
    }
    if (customer.frozenAt !== null) {
      throw await refuseFrozen(this.deps, customer.id, context, "code");
    }
    if (customer.lockedAt !== null) {
      throw await this.lockout.refuse(customer.id, context, "code");
    }
    assertStillPending(challenge);
    if (clock.now() >= challenge.expiresAt) {
      await challenges.markExpired(challenge.id);
      await auditCustomerEvent(audit, context, "code.expired", "refused", customer.id, { challengeId: challenge.id });
      throw new CodeExpiredError(`challenge ${challenge.id} expired before the resend`);
    }
    // パスキー必須 turned on since the password step: no more codes for this login.
    await refuseIfPasskeyRequired(this.deps, customer.id, context);
    await this.countCodeMail(customer.id, context);
    const issued = await issueLoginChallenge(this.deps, customer, context, { resent: true });
    if (issued === null) {
      throw await this.lockout.refuse(customer.id, context, "code");
    }
    return issued;
  }

  /** The login's code-mail limit; refused with the resend's words (the code already sent still works). */
  private async countCodeMail(customerId: string, context: RequestContext): Promise<void> {
    try {
      await this.limit("codeMailsPerCustomer", customerId, context, { customerId });
    } catch (error) {
      if (error instanceof CodeMailLimitError) {
        throw new CodeMailLimitError(this.deps.settings.rateLimits.codeMailsPerCustomer, error.retryAfterSeconds, error.detail, { resend: true });
      }
      throw error;
    }
  }
}
