import type { PublicMessage } from "../kernel/errors.ts";
import type { OPERATOR_ACTION_REASONS } from "../kernel/error-reasons.ts";
import { AuthError, InvalidInputError } from "../kernel/errors.ts";

// The console's refusals (issue 12): shown to operators only, never to customers.

/**
 * 4031: a console operator asked for something their role does not allow (approving an
 * MFA-off request as an agent, approving their own request). Shown to operators only.
 */
export class OperatorForbiddenError extends AuthError {
  static readonly code = "4031";

  constructor(detail: string) {
    super(OperatorForbiddenError.code, { ja: "この操作を行う権限がありません。", en: "You are not allowed to do this." }, detail);
  }
}

/** Why an operator's action was refused though the request was well formed (the console shows it; the API adds it as `error.reason`). */
export type OperatorActionRefusal = (typeof OPERATOR_ACTION_REASONS)[number];

const OPERATOR_ACTION_MESSAGES: Record<OperatorActionRefusal, PublicMessage> = {
  not_locked: { ja: "このお客さまの口座はロックされていません。", en: "This customer's account is not locked." },
  not_frozen: { ja: "このお客さまの口座は凍結されていません。", en: "This customer's account is not frozen." },
  mfa_already_on: { ja: "このお客さまの多要素認証はすでに有効です。", en: "This customer's MFA is on already." },
  mfa_already_off: { ja: "このお客さまの多要素認証はすでに解除されています。", en: "This customer's MFA is off already." },
  same_email: { ja: "新しい重要メールが現在の重要メールと同じです。", en: "The new address is the customer's current address." },
  changed_meanwhile: { ja: "お客さまの情報が同時に変更されました。画面を更新して確認してください。", en: "The customer's details changed meanwhile. Please reload and check." },
  identity_not_checked: { ja: "ご本人確認が済んでいません。ご本人確認のうえ操作してください。", en: "The customer's identity has not been checked. Check it first." },
  request_pending: { ja: "このお客さまの同じ種類の申請が、すでに承認待ちまたは反映待ちです。", en: "A request of this kind for this customer is already waiting for approval or to take effect." },
  request_decided: { ja: "この申請はすでに承認、却下または取り消しされています。", en: "This request has already been approved, rejected or cancelled." },
  request_expired: { ja: "この申請は有効期限（24時間）が切れています。あらためて申請してください。", en: "This request has expired (24 hours). Please make a new request." },
  passkey_not_required: { ja: "このお客さまはパスキー必須に設定されていません。", en: "This customer's account does not require a passkey." },
  trading_pin_not_locked: { ja: "このお客さまの取引暗証番号はロックされていません。", en: "This customer's trading PIN is not locked." },
  operator_disabled: { ja: "このオペレーターは無効化されています。", en: "This operator account is disabled." },
  request_closed: { ja: "この申請はすでに反映、却下、取り消しまたは期限切れのため、取り消せません。", en: "This request has already taken effect, been rejected, cancelled or expired, so it cannot be cancelled." },
  use_email_change_request: {
    ja: "重要メールの変更は申請で行います。新しいアドレスに確認コードを送り（email-verification）、コードを入力して申請してください（email-change-requests）。責任者の承認と待機期間の後に反映されます。",
    en: "The registered address is changed by a request: send a code to the new address (email-verification), then request with the code (email-change-requests). It takes effect after a supervisor's approval and the waiting period.",
  },
  use_passkey_required_off_request: {
    ja: "パスキー必須の解除は申請で行います（passkey-required-off-requests）。責任者の承認と待機期間の後に反映されます。",
    en: "\"Passkey required\" is turned off by a request (passkey-required-off-requests). It takes effect after a supervisor's approval and the waiting period.",
  },
};

/**
 * [4000] with a reason: a console action that does not apply to the customer's state (unlock when
 * not locked, a request already decided): nothing was changed and nothing mailed. `message` when
 * the reason's words name a customer and the action is on something else (an operator's lock).
 */
export function operatorActionRefused(reason: OperatorActionRefusal, detail: string, options?: { message?: PublicMessage }): InvalidInputError {
  return new InvalidInputError(detail, { reason, message: options?.message ?? OPERATOR_ACTION_MESSAGES[reason] });
}
