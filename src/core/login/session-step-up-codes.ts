import type { PendingCodeView } from "./login-challenge.ts";
import type { LoginStepName } from "./lockout.ts";
import type { StepUpCode, StepUpPurpose } from "./ports-account.ts";
import type { EnforceRateLimit } from "../kernel/rate-limit.ts";
import type { RequestContext } from "../kernel/request-context.ts";
import type { AuthenticatedSession } from "./session.ts";
import type { StepUpCodeDeps } from "./step-up-code.ts";
import { auditCustomerEvent } from "../kernel/audit.ts";
import { maskEmail } from "../kernel/email-address.ts";
import { Lockout } from "./lockout.ts";
import { noticeMail } from "../mail/notice.ts";
import { buildNotice } from "../mail/notice-kinds.ts";
import { rateLimitsOf } from "../kernel/rate-limit.ts";
import { checkTypedCode, codeMailFacts, newStepUpCode, usableStepUp } from "./step-up-code.ts";
import { hashToken } from "../kernel/token-hash.ts";

// Enough to recognise the code of a slow earlier mail; the code-mail limit allows 5 in 15 minutes.
const RECENT_CODES_CHECKED = 6;

/** What a change confirmed by a code bound to the session is: its purpose, its binding and its code mail. */
export interface SessionStepUpKind {
  purpose: StepUpPurpose;
  /** The hash the code is bound to; `sessionBinding` unless the purpose keeps its own (the passkey's). */
  bindingOf: (current: AuthenticatedSession) => string;
  /** The purpose's code mail, saying what the code is for. */
  notice: "password-change-code" | "passkey-registration-code" | "trading-pin-change-code";
  /** The step named by the [5102] when the account is locked as the code is stored. */
  lockedStep: LoginStepName;
}

/** A step-up code is bound to the session that asked for it, by a hash of the session's stored hash. */
export function sessionBinding(current: AuthenticatedSession): string {
  return hashToken(current.session.idHash);
}

/**
 * The fresh emailed code of a sensitive change from the customer area (DESIGN §4, issue 11, issue
 * 13): bound to this session, counted toward the code-mail limit, mailed in the transaction that
 * stores it (a newer one supersedes it). The change itself, with `stepUps.use`, stays with its service.
 */
export class SessionStepUpCodes {
  private readonly deps: StepUpCodeDeps;
  private readonly kind: SessionStepUpKind;
  private readonly limit: EnforceRateLimit;

  constructor(deps: StepUpCodeDeps, kind: SessionStepUpKind) {
    this.deps = deps;
    this.kind = kind;
    this.limit = rateLimitsOf(deps);
  }

  /**
   * Mails a code to the 重要メール ([5125] over the code-mail limit, [5102] when locked). `before`
   * runs after the limit and before anything is drawn: a refusal of the purpose's own (no PIN to change).
   */
  async send(current: AuthenticatedSession, context: RequestContext, options?: { before?: () => Promise<void> }): Promise<PendingCodeView> {
    const { clock, random, settings, outbox, audit } = this.deps;
    const { customer } = current;
    const { purpose } = this.kind;
    await this.limit("codeMailsPerCustomer", customer.id, context, { customerId: customer.id });
    await options?.before?.();
    const sentAt = clock.now();
    const expiresAt = sentAt + settings.codeTtlSeconds * 1000;
    const { stepUp, code } = newStepUpCode(this.deps, { customerId: customer.id, purpose, bindingHash: this.kind.bindingOf(current), sentAt, expiresAt });
    const notice = buildNotice(this.kind.notice, settings.brand, codeMailFacts(stepUp, code, context));
    const mail = noticeMail(settings.brand, customer, notice, { id: random.id(), createdAt: sentAt, kind: "code" });
    if (!(await outbox.queueWith(mail, (stores) => stores.stepUps.start(stepUp)))) {
      throw await new Lockout(this.deps).refuse(customer.id, context, this.kind.lockedStep);
    }
    await auditCustomerEvent(audit, context, "code.sent", "ok", customer.id, { purpose, stepUpId: stepUp.id });
    return { maskedEmail: maskEmail(customer.email), sentAt, expiresAt };
  }

  /**
   * Where and when this session's latest code went, and until when it is valid (null when it asked
   * for none): a page refused after step 2 shows it again, beside the code the customer typed.
   */
  async latest(current: AuthenticatedSession): Promise<PendingCodeView | null> {
    const bound = await this.deps.stepUps.recentBound(this.kind.purpose, this.kind.bindingOf(current), 1);
    const stepUp = bound.find((code) => code.customerId === current.customer.id);
    return stepUp === undefined ? null : { maskedEmail: maskEmail(current.customer.email), sentAt: stepUp.sentAt, expiresAt: stepUp.expiresAt };
  }

  /** Counts one try toward the codes-per-customer limit ([5124]): first, before anything the request checks. */
  async countTry(current: AuthenticatedSession, context: RequestContext): Promise<void> {
    const { id } = current.customer;
    await this.limit("codePerCustomer", id, context, { customerId: id });
  }

  /**
   * The pending code of this session when `typed` is its code, for the service to use up with the
   * change; otherwise the refusal for its state, or a wrong code counted (see `checkTypedCode`).
   */
  async check(current: AuthenticatedSession, typed: string, context: RequestContext): Promise<StepUpCode> {
    const { customer } = current;
    const bound = await this.deps.stepUps.recentBound(this.kind.purpose, this.kind.bindingOf(current), RECENT_CODES_CHECKED);
    const recent = bound.filter((stepUp) => stepUp.customerId === customer.id);
    const stepUp = usableStepUp(recent[0] ?? null, this.deps.clock.now());
    await checkTypedCode(this.deps, stepUp, typed, context, { earlier: recent.slice(1) });
    return stepUp;
  }
}
