import type { PublicMessage } from "../kernel/errors.ts";
import { AuthError } from "../kernel/errors.ts";
import type { TradingPinRefusal } from "./trading-pin-rules.ts";

/**
 * The trading PIN's errors (取引暗証番号, issue 13 §4), apart from errors.ts, which holds the
 * codes (`ERROR_CODES`) and the rest of the closed set. 514x is the family of the confirmation
 * of an operation: 5141 (the confirmation) lives with it.
 */

/** 5142: the trading PIN typed was wrong; counted, and the 5th consecutive one locks the PIN. */
export class WrongTradingPinError extends AuthError {
  static readonly code = "5142";

  constructor(detail: string) {
    super(WrongTradingPinError.code, { ja: "取引暗証番号が正しくありません。", en: "The trading PIN is incorrect." }, detail);
  }
}

/** 5143: the trading PIN is locked after wrong entries; only the call center lifts it. Login is not affected. */
export class TradingPinLockedError extends AuthError {
  static readonly code = "5143";

  constructor(callCenterPhone: string, detail: string) {
    super(
      TradingPinLockedError.code,
      {
        ja: `取引暗証番号がロックされています。ロックの解除は、コールセンター（${callCenterPhone}）までご連絡ください。`,
        en: `Your trading PIN is locked. To unlock it, please call the call center (${callCenterPhone}).`,
      },
      detail,
    );
  }
}

const REFUSAL_MESSAGES: Record<TradingPinRefusal, PublicMessage> = {
  format: { ja: "取引暗証番号は4〜8桁の数字で設定してください。", en: "The trading PIN must be 4 to 8 digits." },
  repeated: { ja: "同じ数字だけの取引暗証番号（1111など）は設定できません。", en: "A PIN of one repeated digit (such as 1111) cannot be used." },
  sequence: { ja: "連続した数字の取引暗証番号（1234、9876など）は設定できません。", en: "A PIN of consecutive digits (such as 1234 or 9876) cannot be used." },
  same_as_current: { ja: "現在と同じ取引暗証番号は設定できません。", en: "The new trading PIN must differ from the current one." },
};

/** 5144: a new trading PIN the rules refuse (trading-pin-rules.ts); `reason` says which rule. */
export class TradingPinRejectedError extends AuthError {
  static readonly code = "5144";

  constructor(reason: TradingPinRefusal, detail: string) {
    const why = REFUSAL_MESSAGES[reason];
    super(TradingPinRejectedError.code, { ja: `新しい取引暗証番号を設定できません。${why.ja}`, en: `The new trading PIN cannot be used. ${why.en}` }, detail, { reason });
  }
}

/**
 * 5145: the customer has no trading PIN, so cannot trade (seed Q10: trades need it) nor change
 * it; the brokerage sets the first one (`customer set-trading-pin`). Its own code rather than
 * [5143]: "locked" would send the customer to ask for an unlock that cannot help.
 */
export class TradingPinNotSetError extends AuthError {
  static readonly code = "5145";

  constructor(callCenterPhone: string, detail: string) {
    super(
      TradingPinNotSetError.code,
      {
        ja: `取引暗証番号が登録されていません。コールセンター（${callCenterPhone}）までご連絡ください。`,
        en: `No trading PIN is registered for your account. Please call the call center (${callCenterPhone}).`,
      },
      detail,
    );
  }
}
