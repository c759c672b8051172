import type { LoginDeps } from "../login/login-deps.ts";
import type { PendingCodeView } from "../login/login-challenge.ts";
import type { StepUpStore } from "../login/ports-account.ts";
import type { RequestContext } from "../kernel/request-context.ts";
import type { AuthenticatedSession } from "../login/session.ts";
import type { TradingPins } from "./trading-pin.ts";
import { auditCustomerEvent } from "../kernel/audit.ts";
import { InvalidCodeError } from "../kernel/errors.ts";
import { noticeMail } from "../mail/notice.ts";
import { describeRequestOrigin } from "../kernel/request-origin.ts";
import { SessionStepUpCodes, sessionBinding } from "../login/session-step-up-codes.ts";
import { TradingPinLockedError, TradingPinNotSetError, TradingPinRejectedError } from "./trading-pin-errors.ts";
import { buildNotice } from "../mail/notice-kinds.ts";
import { tradingPinRefusal } from "./trading-pin-rules.ts";
import { refuseDuringEmailHold } from "../kernel/email-hold.ts";

export interface TradingPinChangeDeps extends LoginDeps {
  stepUps: StepUpStore;
  tradingPins: TradingPins;
}

/**
 * The customer changes the trading PIN (取引暗証番号, issue 13 §4) from the customer area: the
 * current PIN and a fresh emailed code bound to this session, as a password change. A wrong
 * current PIN counts toward the PIN's own lock ([5142], [5143]); a wrong code toward the login's
 * lockout, as in a password change ([5121]). The new PIN, the used code and the notice commit
 * together.
 */
export class TradingPinChange {
  private readonly deps: TradingPinChangeDeps;
  private readonly codes: SessionStepUpCodes;

  constructor(deps: TradingPinChangeDeps) {
    this.deps = deps;
    // Bound to the session as a password change's code; a wrong one counts toward the login's lockout.
    this.codes = new SessionStepUpCodes(deps, { purpose: "trading_pin_change", bindingOf: sessionBinding, notice: "trading-pin-change-code", lockedStep: "code" });
  }

  /**
   * Mails a code for a PIN change to the 重要メール. Refused before any mail when there is no PIN
   * to change ([5145]) or it is locked ([5143]): the code could not be used.
   */
  async sendCode(current: AuthenticatedSession, context: RequestContext): Promise<PendingCodeView> {
    return this.codes.send(current, context, {
      before: async () => {
        // Issue 17 item 2: no PIN change by emailed code while the hold after a 重要メール change lasts ([5126]).
        refuseDuringEmailHold(current.customer, this.deps.clock.now(), this.deps.settings.brand.callCenterPhone);
        await this.requireUnlockedPin(current.customer.id);
      },
    });
  }

  /** This session's latest code for a PIN change: where, when and until when (a page refused after step 2 shows it again). */
  async latestCode(current: AuthenticatedSession): Promise<PendingCodeView | null> {
    return this.codes.latest(current);
  }

  async change(current: AuthenticatedSession, input: { currentPin: string; newPin: string; code: string }, context: RequestContext): Promise<void> {
    const { clock, settings, audit, outbox, random, tradingPins } = this.deps;
    const { customer } = current;
    await this.codes.countTry(current, context);
    await tradingPins.verify(customer.id, input.currentPin, context);
    const refusal = tradingPinRefusal(input.newPin, { currentPin: input.currentPin });
    if (refusal !== null) {
      throw new TradingPinRejectedError(refusal, `new trading PIN refused (${refusal}) for customer ${customer.id}`);
    }
    const stepUp = await this.codes.check(current, input.code, context);
    const pinHash = await tradingPins.hash(input.newPin);
    const changedAt = clock.now();
    const notice = buildNotice("trading-pin-changed", settings.brand, { at: changedAt, ...describeRequestOrigin(context) });
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
}
