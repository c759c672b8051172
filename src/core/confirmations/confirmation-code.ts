import type { Customer } from "../kernel/ports.ts";
import type { Confirmation } from "./ports-confirmation.ts";
import type { OperationSummary } from "./operation-summary.ts";
import type { RequestContext } from "../kernel/request-context.ts";
import type { StepUpCodeDeps } from "../login/step-up-code.ts";
import { auditCustomerEvent } from "../kernel/audit.ts";
import { buildNotice } from "../mail/notice-kinds.ts";
import { ConfirmationUnusableError } from "./confirmation-errors.ts";
import { Lockout } from "../login/lockout.ts";
import { noticeMail } from "../mail/notice.ts";
import { rateLimitsOf } from "../kernel/rate-limit.ts";
import type { EnforceRateLimit } from "../kernel/rate-limit.ts";
import { checkTypedCode, codeMailFacts, newStepUpCode, usableStepUp } from "../login/step-up-code.ts";
import { hashToken } from "../kernel/token-hash.ts";

/**
 * The emailed code of a confirmation (issue 13 §5: PIN + code, the interim alternative to a
 * passkey): a step-up code bound to the confirmation alone, mailed with the operation's summary
 * in the transaction that stores the confirmation. Wrong codes count on the code (the 5th burns
 * it) and toward the login lockout, as for a password change; they do not use the confirmation up.
 */
export class ConfirmationCode {
  private readonly deps: StepUpCodeDeps;
  private readonly lockout: Lockout;
  private readonly limit: EnforceRateLimit;

  constructor(deps: StepUpCodeDeps) {
    this.deps = deps;
    this.lockout = new Lockout(deps);
    this.limit = rateLimitsOf(deps);
  }

  /**
   * Stores `confirmation` with a new code and queues the code mail, all in one transaction
   * (a newer confirmation's code supersedes this customer's older one). Counts toward the
   * code-mail limit ([5125]); [5102] when the account is locked at that moment.
   */
  async storeWithCode(customer: Customer, confirmation: Confirmation, summary: OperationSummary["mail"], context: RequestContext): Promise<string> {
    const { random, settings, outbox, audit } = this.deps;
    await this.limit("codeMailsPerCustomer", customer.id, context, { customerId: customer.id });
    const { stepUp, code } = newStepUpCode(this.deps, {
      id: confirmation.stepUpId,
      customerId: customer.id,
      purpose: "confirmation",
      bindingHash: bindingOf(confirmation.id),
      sentAt: confirmation.createdAt,
      expiresAt: confirmation.expiresAt,
    });
    const stepUpId = stepUp.id;
    const notice = buildNotice("confirmation-code", settings.brand, { ...codeMailFacts(stepUp, code, context), summary });
    const mail = noticeMail(settings.brand, customer, notice, { id: random.id(), createdAt: stepUp.sentAt, kind: "code" });
    const stored = await outbox.queueWith(mail, async (stores) => {
      if (!(await stores.stepUps.start(stepUp))) {
        return false;
      }
      await stores.confirmations.create({ ...confirmation, stepUpId });
      return true;
    });
    if (!stored) {
      throw await this.lockout.refuse(customer.id, context, "code");
    }
    await auditCustomerEvent(audit, context, "code.sent", "ok", customer.id, { purpose: "confirmation", stepUpId, confirmationId: confirmation.id });
    return stepUpId;
  }

  /** Resolves when `input` is the confirmation's code; otherwise counts it and throws [5121]/[5123], or [5141] when a newer confirmation replaced the code. */
  async check(confirmation: Confirmation, input: string, context: RequestContext): Promise<void> {
    const { stepUps, clock } = this.deps;
    const bound = await stepUps.recentBound("confirmation", bindingOf(confirmation.id), 1);
    const found = bound.find((stepUp) => stepUp.id === confirmation.stepUpId) ?? null;
    if (found?.status === "superseded") {
      // The customer started another confirmation that needed a code: this one can no longer be finished.
      throw new ConfirmationUnusableError(`confirmation ${confirmation.id}: its code was superseded`);
    }
    const stepUp = usableStepUp(found, clock.now());
    await checkTypedCode(this.deps, stepUp, input, context);
  }
}

/** A confirmation's code is bound to the confirmation: no other request can spend it. */
function bindingOf(confirmationId: string): string {
  return hashToken(`confirmation:${confirmationId}`);
}
