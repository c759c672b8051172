import type { LoginDeps } from "../login/login-deps.ts";
import type { RequestContext } from "../kernel/request-context.ts";
import type { EnforceRateLimit } from "../kernel/rate-limit.ts";
import type { LoginIdReminderAsk, RecoveryQueue, RecoveryRequest } from "./ports-recovery.ts";
import { auditCustomerEvent } from "../kernel/audit.ts";
import { birthDateProblem, normalizeBirthDate } from "../kernel/birth-date.ts";
import { isValidEmail } from "../kernel/email-address.ts";
import { InvalidInputError } from "../kernel/errors.ts";
import { RetryLaterError } from "../kernel/retry-later-errors.ts";
import { buildNotice } from "../mail/notice-kinds.ts";
import { noticeMail } from "../mail/notice.ts";
import { rateLimitsOf } from "../kernel/rate-limit.ts";
import { describeRequestOrigin } from "../kernel/request-origin.ts";

// One address may hold a few accounts (a family's); more is not a reminder but a list.
const MAX_ACCOUNTS_PER_ADDRESS = 5;

/** What the reminder works with: the login's, and the queue its requests wait in. */
export type LoginIdReminderDeps = LoginDeps & { recoveries: RecoveryQueue };

/**
 * Forgotten login ID (issue 11 item 6): 重要メール + date of birth → the login ID is mailed to
 * that address only, never shown. The same answer whether or not anything matched, in the same
 * time (issue 17 item 7): the request only checks its input and limits and writes itself to the
 * recovery queue; `resolve` looks the address up and mails, after the answer.
 */
export class LoginIdReminder {
  private readonly deps: LoginIdReminderDeps;
  private readonly limit: EnforceRateLimit;

  constructor(deps: LoginIdReminderDeps) {
    this.deps = deps;
    this.limit = rateLimitsOf(deps);
  }

  async remind(input: { email: string; birthDate: string }, context: RequestContext): Promise<void> {
    const { clock, random, recoveries } = this.deps;
    const email = input.email.normalize("NFKC").trim();
    const birthDate = normalizeBirthDate(input.birthDate);
    if (!isValidEmail(email) || birthDateProblem(birthDate, clock.now()) !== null) {
      throw new InvalidInputError("malformed address or birth date");
    }
    await this.limit("passwordPerIp", context.ip, context);
    // Keyed by the address as the login-ID limit is keyed by the ID: guessing dates for one address is slowed.
    await this.limit("passwordPerLoginId", `email:${email.toLowerCase()}`, context);
    // Nothing above depends on what matches; the lookup and the mail come after the answer.
    await recoveries.add({ id: random.id(), ask: { kind: "login_id_reminder", email, birthDate }, context, createdAt: clock.now() });
  }

  /** After the answer: mails the login ID of each customer with this address and date of birth. */
  async resolve(ask: LoginIdReminderAsk, request: Pick<RecoveryRequest, "context" | "createdAt">): Promise<void> {
    const { customers, random, outbox, settings, audit } = this.deps;
    const { email, birthDate } = ask;
    const { context, createdAt: requestedAt } = request;
    const matches = (await customers.findByEmail(email, MAX_ACCOUNTS_PER_ADDRESS)).filter((customer) => customer.birthDate === birthDate);
    for (const customer of matches) {
      try {
        await this.limit("codeMailsPerCustomer", customer.id, context, { customerId: customer.id });
      } catch (error) {
        // Over the mail limit: nothing more is mailed, and the answer does not change.
        if (error instanceof RetryLaterError) {
          continue;
        }
        throw error;
      }
      const notice = buildNotice("login-id-reminder", settings.brand, { loginId: customer.loginId, at: requestedAt, ...describeRequestOrigin(context) });
      await outbox.queue(noticeMail(settings.brand, customer, notice, { id: random.id(), createdAt: requestedAt }));
      await auditCustomerEvent(audit, context, "login_id.reminded", "ok", customer.id);
    }
  }
}
