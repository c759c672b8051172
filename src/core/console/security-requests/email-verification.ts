import type { Brand } from "../../kernel/brand.ts";
import type { Clock, Customer, CustomerStore, MailOutbox, RateLimiter, Random } from "../../kernel/ports.ts";
import type { AuditLog } from "../../kernel/ports-audit.ts";
import type { EmailVerification, EmailVerificationStore } from "./ports-security-requests.ts";
import type { OperatorRequest } from "../operator-request.ts";
import { auditOperatorRead } from "../operator-request.ts";
import { customerForAction } from "../console-customer.ts";
import { checkedNewEmail } from "./email-change.ts";
import { codeHmac, codeMatches, generateCode, normalizeCodeInput } from "../../kernel/email-code.ts";
import type { CodeKeys } from "../../kernel/email-code.ts";
import { maskEmail } from "../../kernel/email-address.ts";
import { CodeExpiredError, InvalidCodeError, TooManyCodeAttemptsError } from "../../kernel/errors.ts";
import { consoleRateLimit } from "../console-rate-limit.ts";
import { EMAIL_VERIFICATION_MAX_ATTEMPTS, EMAIL_VERIFICATION_PER_CUSTOMER, EMAIL_VERIFICATION_PER_OPERATOR, EMAIL_VERIFICATION_TTL_MS } from "../../kernel/limits.ts";
import { noticeMail } from "../../mail/notice.ts";
import { buildNotice } from "../../mail/notice-kinds.ts";

export interface EmailVerificationsDeps {
  customers: CustomerStore;
  verifications: EmailVerificationStore;
  outbox: MailOutbox;
  audit: AuditLog;
  limiter: RateLimiter;
  clock: Clock;
  random: Random;
  brand: Brand;
  /** The server's keys for code HMACs, current first (as for login codes). */
  codeKeys: CodeKeys;
}

/**
 * A new 重要メール is verified before its change is requested (issue 17 item 2): the console mails
 * a 6-digit code to the NEW address (stored only as its HMAC, 10 minutes, 5 tries, bound to the
 * customer and the operator who asked), and the operator types the code the caller reads back.
 * A typo or an address the caller cannot read fails here. Sending is rate-limited per customer
 * and per operator (a stranger's mailbox is not to be bombed from the console).
 */
export class EmailVerifications {
  private readonly deps: EmailVerificationsDeps;

  constructor(deps: EmailVerificationsDeps) {
    this.deps = deps;
  }

  /** Mails a code to `email` for the customer's 重要メール change. [4000] for a bad or the same address, [4040], [5124]. */
  async send(loginId: string, email: string, request: OperatorRequest): Promise<void> {
    const { customers, outbox, audit, clock, random, brand, codeKeys } = this.deps;
    const customer = await customerForAction(customers, loginId);
    const newEmail = checkedNewEmail(customer, email);
    await consoleRateLimit(this.deps, request, "emailVerificationPerCustomer", customer.id, EMAIL_VERIFICATION_PER_CUSTOMER, customer.id);
    await consoleRateLimit(this.deps, request, "emailVerificationPerOperator", request.operator.id, EMAIL_VERIFICATION_PER_OPERATOR, customer.id);
    const id = random.id();
    const code = generateCode(random);
    const sentAt = clock.now();
    const expiresAt = sentAt + EMAIL_VERIFICATION_TTL_MS;
    const verification = { id, customerId: customer.id, operatorId: request.operator.id, email: newEmail, codeHmac: codeHmac(codeKeys, id, code), createdAt: sentAt, expiresAt };
    // The address is not verified yet (an agent typed it): no name, nothing that tells it who has an account.
    const mail = noticeMail(brand, { id: customer.id, email: newEmail }, buildNotice("email-verification-code", brand, { code, sentAt, expiresAt }), { id: random.id(), createdAt: sentAt, kind: "code" });
    await outbox.queueWith(mail, async (stores) => {
      await stores.emailVerifications.start(verification);
      return true;
    });
    await auditOperatorRead(audit, request, { event: "email_verification.sent", customerId: customer.id, detail: { to: maskEmail(newEmail), verificationId: id } });
  }

  /**
   * The operator's pending code for this customer, if `typed` is its code and it was sent to
   * `email`; else [5121] (wrong, for another address, used or superseded: a wrong one counts, the
   * 5th burns it: [5123]) or [5122] (expired). Nothing is written but the count.
   */
  async checkCode(customer: Customer, operatorId: string, email: string, typed: string): Promise<EmailVerification> {
    const { verifications, clock, codeKeys } = this.deps;
    const pending = await verifications.latestPending(customer.id, operatorId);
    if (pending === null) {
      throw new InvalidCodeError(`no pending e-mail verification of customer ${customer.id} by operator ${operatorId}`);
    }
    if (pending.expiresAt <= clock.now()) {
      throw new CodeExpiredError(`e-mail verification ${pending.id} expired`, { stepUp: true });
    }
    const code = normalizeCodeInput(typed);
    if (code === null || pending.email.toLowerCase() !== email.toLowerCase() || !codeMatches(codeKeys, pending.id, code, pending.codeHmac)) {
      const counted = await verifications.recordWrongCode(pending.id, EMAIL_VERIFICATION_MAX_ATTEMPTS);
      if (counted !== null && counted.status === "burned") {
        throw new TooManyCodeAttemptsError(`e-mail verification ${pending.id} burned`, { stepUp: true });
      }
      throw new InvalidCodeError(`wrong code or address for e-mail verification ${pending.id}`);
    }
    return pending;
  }

  /** The refusal when a right code was used by a racing request meanwhile. */
  replayed(customerId: string): InvalidCodeError {
    return new InvalidCodeError(`e-mail verification of customer ${customerId} used meanwhile`);
  }
}
