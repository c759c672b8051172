import type { LoginDeps } from "../login/login-deps.ts";
import type { RequestContext } from "../kernel/request-context.ts";
import type { AuthenticatedSession } from "../login/session.ts";
import { auditCustomerEvent } from "../kernel/audit.ts";
import { normalizePassword } from "../kernel/credentials.ts";
import { InvalidCredentialsError, InvalidInputError } from "../kernel/errors.ts";
import { Lockout } from "../login/lockout.ts";
import { noticeMail } from "../mail/notice.ts";
import { buildNotice } from "../mail/notice-kinds.ts";
import { describeRequestOrigin } from "../kernel/request-origin.ts";

/**
 * "Freeze my account" (issue 11, seed Q9's emergency: a code the customer did not ask for,
 * trades they did not make): after the password, every session ends and every login is
 * refused with [5103] until an operator reopens the account. The freeze, the end of the
 * sessions and the notice mail commit together.
 */
export class AccountFreeze {
  private readonly deps: LoginDeps;
  private readonly lockout: Lockout;

  constructor(deps: LoginDeps) {
    this.deps = deps;
    this.lockout = new Lockout(deps);
  }

  async freeze(current: AuthenticatedSession, password: string, context: RequestContext): Promise<void> {
    const { hasher, audit, clock, outbox, random, settings } = this.deps;
    const { customer } = current;
    // Whoever holds the session must also know the password: a session left open on a shared PC is not enough.
    if (!(await hasher.verify(customer.passwordHash, normalizePassword(password)))) {
      await auditCustomerEvent(audit, context, "password.failed", "refused", customer.id, { reason: "wrong_password_for_freeze" });
      await this.lockout.countFailure(customer.id, context, "password");
      throw new InvalidCredentialsError(`wrong password to freeze customer ${customer.id}`, { currentPassword: true });
    }
    const frozenAt = clock.now();
    const notice = buildNotice("account-frozen", settings.brand, { at: frozenAt, ...describeRequestOrigin(context) });
    const frozen = await outbox.queueWith(noticeMail(settings.brand, customer, notice, { id: random.id(), createdAt: frozenAt }), async (stores) => {
      if (!(await stores.customers.freeze(customer.id, frozenAt))) {
        return false;
      }
      await stores.sessions.endAllForCustomer(customer.id, frozenAt, "account_frozen");
      return true;
    });
    if (!frozen) {
      throw new InvalidInputError(`customer ${customer.id} is frozen already`);
    }
    await auditCustomerEvent(audit, context, "account.frozen", "info", customer.id, { by: "customer" });
    await auditCustomerEvent(audit, context, "session.ended", "info", customer.id, { reason: "account_frozen" });
  }
}
