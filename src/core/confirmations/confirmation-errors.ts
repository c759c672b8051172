import { AuthError } from "../kernel/errors.ts";

/**
 * The confirmation's own errors (issue 13 §6), apart from errors.ts, which holds the codes
 * (`ERROR_CODES`); the trading PIN's [5142]/[5143] are in trading-pin-errors.ts.
 */

/**
 * 5141: the confirmation cannot give a token: unknown, another customer's (answered alike, so
 * IDs tell nothing), expired, or its token was issued already (a confirmation issues one token).
 */
export class ConfirmationUnusableError extends AuthError {
  static readonly code = "5141";

  constructor(detail: string) {
    super(
      ConfirmationUnusableError.code,
      {
        ja: "この確認は無効か、有効期限が切れたか、すでに使用されています。お手数ですが、もう一度最初から操作してください。",
        en: "This confirmation is not valid, has expired or has been used. Please start the operation again.",
      },
      detail,
    );
  }
}

/**
 * 5146: the operation needs a passkey (the policy, or the published date from which withdrawals
 * and account changes need one, JSDA) and the customer has none registered: nothing was sent.
 */
export class PasskeyNeededError extends AuthError {
  static readonly code = "5146";

  constructor(detail: string) {
    super(
      PasskeyNeededError.code,
      {
        ja: "この操作にはパスキーが必要です。マイページでパスキーを登録してから、もう一度操作してください。",
        en: "This operation needs a passkey. Please register a passkey in your account first, then try again.",
      },
      detail,
    );
  }
}
