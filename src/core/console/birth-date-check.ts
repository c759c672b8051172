import { createHash, timingSafeEqual } from "node:crypto";
import type { Clock, CustomerStore, RateLimiter } from "../kernel/ports.ts";
import type { AuditLog } from "../kernel/ports-audit.ts";
import type { OperatorRequest } from "./operator-request.ts";
import { auditOperatorRead } from "./operator-request.ts";
import { customerForAction } from "./console-customer.ts";
import { birthDateProblem, normalizeBirthDate } from "../kernel/birth-date.ts";
import { InvalidInputError } from "../kernel/errors.ts";
import { BIRTH_DATE_CHECKS_PER_CUSTOMER, BIRTH_DATE_CHECKS_PER_OPERATOR } from "../kernel/limits.ts";
import { consoleRateLimit } from "./console-rate-limit.ts";

function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}

/**
 * 「生年月日の確認」 (issue 17 item 2): the console never shows a customer's date of birth (an
 * agent could read it out to an accomplice, or use it for the public password reset); the
 * operator types what the caller says and sees 一致 / 不一致. Rate-limited per operator and per
 * customer ([5124]); audited with the answer, never with the date typed. No date on record: 不一致.
 */
export class BirthDateCheck {
  private readonly deps: { customers: CustomerStore; audit: AuditLog; limiter: RateLimiter; clock: Clock };

  constructor(deps: BirthDateCheck["deps"]) {
    this.deps = deps;
  }

  async check(loginId: string, typed: string, request: OperatorRequest): Promise<{ match: boolean }> {
    const birthDate = normalizeBirthDate(typed);
    if (birthDateProblem(birthDate, this.deps.clock.now()) !== null) {
      throw new InvalidInputError("malformed birth date");
    }
    const customer = await customerForAction(this.deps.customers, loginId);
    await consoleRateLimit(this.deps, request, "birthDateChecksPerOperator", request.operator.id, BIRTH_DATE_CHECKS_PER_OPERATOR, customer.id);
    await consoleRateLimit(this.deps, request, "birthDateChecksPerCustomer", customer.id, BIRTH_DATE_CHECKS_PER_CUSTOMER, customer.id);
    // Compared as digests in constant time, as every secret the product checks.
    const match = customer.birthDate !== null && timingSafeEqual(digest(customer.birthDate), digest(birthDate));
    await auditOperatorRead(this.deps.audit, request, { event: "console.birth_date_checked", customerId: customer.id, detail: { match, onRecord: customer.birthDate !== null } });
    return { match };
  }
}
