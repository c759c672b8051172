import type { Customer } from "../kernel/ports.ts";
import type { LoginDeps } from "./login-deps.ts";
import type { Lockout } from "./lockout.ts";
import type { PendingCodeView } from "./login-challenge.ts";
import type { EnforceRateLimit } from "../kernel/rate-limit.ts";
import type { RequestContext } from "../kernel/request-context.ts";
import { auditCustomerEvent } from "../kernel/audit.ts";
import { normalizeLoginId, normalizePassword } from "../kernel/credentials.ts";
import { InvalidCredentialsError, InvalidInputError } from "../kernel/errors.ts";
import { LOGIN_ID_PATTERN, MAX_PASSWORD_LENGTH } from "../kernel/limits.ts";
import { AUTH_METHODS_PASSWORD_ONLY } from "./login-deps.ts";
import { issueLoginChallenge } from "./login-challenge.ts";
import { refuseFrozen } from "./frozen-refusal.ts";
import { refuseIfPasskeyRequired } from "./passkey-required-refusal.ts";

export type PasswordStepResult =
  | ({ kind: "code_sent"; preauthToken: string } & PendingCodeView)
  | { kind: "logged_in"; sessionToken: string; mfaOff: true; customer: Customer };

/**
 * The first factor (DESIGN §2): login ID + password. Unknown IDs and wrong passwords
 * get one answer in the same time; a right password mails a code, or logs in at once
 * when the call center turned MFA off (seed Q7).
 */
export class PasswordStep {
  private readonly deps: LoginDeps;
  private readonly lockout: Lockout;
  private readonly limit: EnforceRateLimit;

  constructor(deps: LoginDeps, lockout: Lockout, limit: EnforceRateLimit) {
    this.deps = deps;
    this.lockout = lockout;
    this.limit = limit;
  }

  async run(input: { loginId: string; password: string }, context: RequestContext): Promise<PasswordStepResult> {
    const { customers, hasher, audit } = this.deps;
    const loginId = normalizeLoginId(input.loginId);
    const password = normalizePassword(input.password);
    if ([...password].length > MAX_PASSWORD_LENGTH) {
      throw new InvalidInputError("password too long");
    }
    // Before the expensive hash: a flood from one address is refused cheaply.
    await this.limit("passwordPerIp", context.ip, context);
    await this.limit("passwordPerLoginId", loginId, context);
    const customer = LOGIN_ID_PATTERN.test(loginId) ? await customers.findByLoginId(loginId) : null;
    if (customer === null) {
      // As long as a wrong password takes, so response time does not reveal which IDs exist.
      await hasher.verifyAbsent(password);
      const answeredLocked = await this.lockout.countUnknownIdFailure(loginId);
      await auditCustomerEvent(audit, context, "password.failed", "refused", null, { reason: "unknown_login_id", answeredLocked });
      if (answeredLocked) {
        throw this.lockout.lockedError("unknown login ID, answered as a locked account would be");
      }
      throw new InvalidCredentialsError("unknown login ID");
    }
    const passwordRight = await hasher.verify(customer.passwordHash, password);
    if (customer.lockedAt !== null) {
      // Verified all the same, and the same answer either way: a locked account tells nobody whether the password was right.
      throw await this.lockout.refuse(customer.id, context, "password");
    }
    if (!passwordRight) {
      // A frozen account too: [5103] would tell anyone with the login ID that it exists and
      // that its owner suspects fraud (issue 17 item 10); a wrong password counts as anywhere.
      await auditCustomerEvent(audit, context, "password.failed", "refused", customer.id, { reason: "wrong_password" });
      await this.lockout.countFailure(customer.id, context, "password");
      throw new InvalidCredentialsError(`wrong password for customer ${customer.id}`);
    }
    if (customer.frozenAt !== null) {
      // Told only to whoever knows the password, as [5104] is.
      throw await refuseFrozen(this.deps, customer.id, context, "password");
    }
    // Awaited last: password.ok and code.sent are then recorded in the same turn of the event loop
    // and committed together (group commit, audit-append.ts); the request still answers only once both are.
    const passwordOk = auditCustomerEvent(audit, context, "password.ok", "ok", customer.id);
    // Marked handled at once: a rejection left waiting for the finally below would end the process as unhandled.
    passwordOk.catch(() => undefined);
    try {
      return await this.afterRightPassword(customer, password, context);
    } finally {
      await passwordOk;
    }
  }

  /** The account is open and the password right: a code mailed, or a session when MFA is off. */
  private async afterRightPassword(customer: Customer, password: string, context: RequestContext): Promise<PasswordStepResult> {
    const { customers, sessions } = this.deps;
    await this.rehashIfNeeded(customer, password, context);
    // パスキー必須 (issue 13 §3): told only to whoever knows the password, before any code is mailed.
    await refuseIfPasskeyRequired(this.deps, customer.id, context);
    if (!customer.mfaEnabled) {
      // The lock was read before the hash queue: failures racing this attempt may have locked
      // the account meanwhile, and a locked account must not say the password was right.
      const fresh = await customers.findById(customer.id);
      if (fresh?.lockedAt !== null || fresh.frozenAt !== null) {
        throw await this.lockout.refuse(customer.id, context, "password");
      }
      await customers.resetFailures(customer.id);
      const sessionToken = await sessions.start(customer.id, AUTH_METHODS_PASSWORD_ONLY, context);
      return { kind: "logged_in", sessionToken, mfaOff: true, customer };
    }
    // Mail bombing: a right password does not buy unlimited code mails.
    await this.limit("codeMailsPerCustomer", customer.id, context, { customerId: customer.id });
    const issued = await issueLoginChallenge(this.deps, customer, context);
    if (issued === null) {
      // Locked by failures that raced this attempt through the hash queue: no code, no mail.
      throw await this.lockout.refuse(customer.id, context, "password");
    }
    return { kind: "code_sent", ...issued };
  }

  /** Argon2 parameters were raised in config: upgrade this hash while the password is at hand. */
  private async rehashIfNeeded(customer: Customer, password: string, context: RequestContext): Promise<void> {
    const { hasher, customers, audit } = this.deps;
    if (!hasher.needsRehash(customer.passwordHash)) {
      return;
    }
    await customers.updatePasswordHash(customer.id, await hasher.hash(password));
    await auditCustomerEvent(audit, context, "password.rehashed", "info", customer.id);
  }
}
