import type { LoginDeps } from "./login-deps.ts";
import type { PendingCodeView } from "./login-challenge.ts";
import type { StepUpCode, StepUpStore } from "./ports.ts";
import type { RequestContext } from "./request-context.ts";
import type { AuthenticatedSession } from "./session.ts";
import type { TradingPins } from "./trading-pin.ts";
import { auditCustomerEvent } from "./audit.ts";
import { codeHmac, codeMatches, generateCode, normalizeCodeInput } from "./email-code.ts";
import { maskEmail } from "./email-address.ts";
import { InvalidCodeError, TooManyCodeAttemptsError } from "./errors.ts";
import { MAX_CODE_ATTEMPTS } from "./limits.ts";
import { Lockout } from "./lockout.ts";
import { noticeMail } from "./notice.ts";
import { bindRateLimits } from "./rate-limit.ts";
import type { EnforceRateLimit } from "./rate-limit.ts";
import { describeRequestOrigin } from "./request-origin.ts";
import { STEP_UP, usableStepUp } from "./step-up-code.ts";
import { hashToken } from "./token-hash.ts";
import { TradingPinLockedError, TradingPinNotSetError, TradingPinRejectedError } from "./trading-pin-errors.ts";
import { tradingPinChangedNotice, tradingPinCodeNotice } from "./trading-pin-notices.ts";
import { tradingPinRefusal } from "./trading-pin-rules.ts";

export interface TradingPinChangeDeps extends LoginDeps {
  stepUps: StepUpStore;
  tradingPins: TradingPins;
}

const PURPOSE = "trading_pin_change";

/**
 * The customer changes the trading PIN (取引暗証番号, issue 13 §4) from the customer area: the
 * current PIN and a fresh emailed code bound to this session, as a password change. A wrong
 * current PIN counts toward the PIN's own lock ([5142], [5143]); a wrong code toward the login's
 * lockout, as in a password change ([5121]). The new PIN, the used code and the notice commit
 * together.
 */
export class TradingPinChange {
  private readonly deps: TradingPinChangeDeps;
  private readonly lockout: Lockout;
  private readonly limit: EnforceRateLimit;

  constructor(deps: TradingPinChangeDeps) {
    this.deps = deps;
    this.lockout = new Lockout(deps);
    this.limit = bindRateLimits({ limiter: deps.limiter, audit: deps.audit, clock: deps.clock, limits: deps.settings.rateLimits });
  }

  /**
   * Mails a code for a PIN change to the 重要メール. Refused before any mail when there is no PIN
   * to change ([5145]) or it is locked ([5143]): the code could not be used.
   */
  async sendCode(current: AuthenticatedSession, context: RequestContext): Promise<PendingCodeView> {
    const { random, clock, settings, outbox, audit } = this.deps;
    const { customer } = current;
    await this.limit("codeMailsPerCustomer", customer.id, context, { customerId: customer.id });
    await this.requireUnlockedPin(customer.id);
    const sentAt = clock.now();
    const id = random.id();
    const code = generateCode(random);
    const stepUp: StepUpCode = {
      id,
      customerId: customer.id,
      purpose: PURPOSE,
      bindingHash: bindingOf(current),
      codeHmac: codeHmac(settings.codeKey, id, code),
      status: "pending",
      failedAttempts: 0,
      sentAt,
      expiresAt: sentAt + settings.codeTtlSeconds * 1000,
    };
    const ttlMinutes = Math.round(settings.codeTtlSeconds / 60);
    const notice = tradingPinCodeNotice(settings.brand, { code, sentAt, expiresAt: stepUp.expiresAt, ttlMinutes, ...describeRequestOrigin(context) });
    const mail = noticeMail(settings.brand, customer, notice, { id: random.id(), createdAt: sentAt, kind: "code" });
    if (!(await outbox.queueWith(mail, (stores) => stores.stepUps.start(stepUp)))) {
      throw await this.lockout.refuse(customer.id, context, "code");
    }
    await auditCustomerEvent(audit, context, "code.sent", "ok", customer.id, { purpose: PURPOSE, stepUpId: id });
    return { maskedEmail: maskEmail(customer.email), sentAt, expiresAt: stepUp.expiresAt };
  }

  async change(current: AuthenticatedSession, input: { currentPin: string; newPin: string; code: string }, context: RequestContext): Promise<void> {
    const { stepUps, clock, settings, audit, outbox, random, tradingPins } = this.deps;
    const { customer } = current;
    await this.limit("codePerCustomer", customer.id, context, { customerId: customer.id });
    await tradingPins.verify(customer.id, input.currentPin, context);
    const refusal = tradingPinRefusal(input.newPin, { currentPin: input.currentPin });
    if (refusal !== null) {
      throw new TradingPinRejectedError(refusal, `new trading PIN refused (${refusal}) for customer ${customer.id}`);
    }
    const recent = (await stepUps.recentBound(PURPOSE, bindingOf(current), RECENT_CODES_CHECKED)).filter((stepUp) => stepUp.customerId === customer.id);
    const stepUp = usableStepUp(recent[0] ?? null, clock.now());
    const code = normalizeCodeInput(input.code);
    if (code === null) {
      throw new InvalidCodeError(`malformed code for step-up ${stepUp.id}`);
    }
    if (!codeMatches(settings.codeKey, stepUp.id, code, stepUp.codeHmac)) {
      const older = recent.slice(1).some((earlier) => earlier.status === "superseded" && codeMatches(settings.codeKey, earlier.id, code, earlier.codeHmac));
      await this.wrongCode(stepUp, context, { newerCodeSent: older });
    }
    const pinHash = await tradingPins.hash(input.newPin);
    const changedAt = clock.now();
    const notice = tradingPinChangedNotice(settings.brand, { changedAt, ...describeRequestOrigin(context) });
    let lockedMeanwhile = false;
    const changed = await outbox.queueWith(noticeMail(settings.brand, customer, notice, { id: random.id(), createdAt: changedAt }), async (stores) => {
      // Wrong PINs racing this request may have locked the PIN since it was verified: the lock wins.
      const pin = await stores.tradingPins.find(customer.id);
      lockedMeanwhile = pin === null || pin.lockedAt !== null;
      if (lockedMeanwhile || !(await stores.stepUps.use(stepUp.id))) {
        return false;
      }
      await stores.tradingPins.set(customer.id, pinHash, changedAt);
      return true;
    });
    if (!changed) {
      throw lockedMeanwhile ? new TradingPinLockedError(settings.brand.callCenterPhone, `trading PIN of customer ${customer.id} locked meanwhile`) : new InvalidCodeError(`step-up ${stepUp.id} was used concurrently`);
    }
    await auditCustomerEvent(audit, context, "trading_pin.changed", "ok", customer.id, { by: "customer", stepUpId: stepUp.id });
  }

  /** [5145] without a PIN, [5143] while it is locked. */
  private async requireUnlockedPin(customerId: string): Promise<void> {
    const state = await this.deps.tradingPins.state(customerId);
    const phone = this.deps.settings.brand.callCenterPhone;
    if (state === null) {
      throw new TradingPinNotSetError(phone, `customer ${customerId} has no trading PIN to change`);
    }
    if (state.lockedAt !== null) {
      throw new TradingPinLockedError(phone, `trading PIN of customer ${customerId} is locked`);
    }
  }

  /** Counts a wrong code on the step-up and on the login's lockout, as a password change does; always throws. */
  private async wrongCode(stepUp: StepUpCode, context: RequestContext, options: { newerCodeSent: boolean }): Promise<never> {
    const outcome = await this.deps.stepUps.recordWrongCode(stepUp.id, MAX_CODE_ATTEMPTS);
    await auditCustomerEvent(this.deps.audit, context, "code.failed", "refused", stepUp.customerId, { purpose: PURPOSE, attempt: outcome?.failedAttempts ?? null });
    await this.lockout.countFailure(stepUp.customerId, context, "code");
    if (outcome?.status === "burned") {
      await auditCustomerEvent(this.deps.audit, context, "code.burned", "refused", stepUp.customerId, { purpose: PURPOSE });
      throw new TooManyCodeAttemptsError(`step-up ${stepUp.id} burned`, STEP_UP);
    }
    throw new InvalidCodeError(`wrong code for step-up ${stepUp.id}`, options);
  }
}

// Enough to recognise the code of a slow earlier mail; the code-mail limit allows 5 in 15 minutes.
const RECENT_CODES_CHECKED = 6;

/** Bound to the session that asked, by a hash of the session's stored hash (as password-change.ts). */
function bindingOf(current: AuthenticatedSession): string {
  return hashToken(current.session.idHash);
}
