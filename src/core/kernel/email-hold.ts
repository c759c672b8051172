import { AuthError } from "./errors.ts";
import { formatJapanTime, formatJapanTimeWithZone } from "./japan-time.ts";

/**
 * 5126: the 重要メール changed a short while ago (issue 17 item 2), so what an emailed code alone
 * would allow — password reset, a trading-PIN change, confirming a withdrawal or a bank-account
 * change by code — is refused until the waiting period after the change is over. A passkey still
 * works. Someone who took the address over must not turn it into the account at once.
 */
export class EmailRecentlyChangedError extends AuthError {
  static readonly code = "5126";

  constructor(holdUntil: number, callCenterPhone: string, detail: string) {
    super(
      EmailRecentlyChangedError.code,
      {
        ja: `重要メールが変更されて間もないため、${formatJapanTime(holdUntil)}（日本時間）まではメールの認証コードによるこのお手続きはご利用いただけません。パスキーをご登録の場合はパスキーをご利用ください。お心当たりがない場合は、コールセンター（${callCenterPhone}）へお電話ください。`,
        en: `Your registered e-mail address was changed recently, so this cannot be done with an emailed code until ${formatJapanTimeWithZone(holdUntil)}. If you have a passkey, please use it. If you did not change your address, please call the call center (${callCenterPhone}).`,
      },
      detail,
    );
  }
}

/** Refuses with [5126] while the customer's 重要メール change hold lasts at `now`. */
export function refuseDuringEmailHold(customer: { id: string; emailHoldUntil?: number | null }, now: number, callCenterPhone: string): void {
  const until = customer.emailHoldUntil ?? null;
  if (until !== null && now < until) {
    throw new EmailRecentlyChangedError(until, callCenterPhone, `customer ${customer.id}: 重要メール changed, emailed-code recovery held until ${until}`);
  }
}
