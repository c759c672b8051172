import type { PublicMessage } from "../kernel/errors.ts";
import type { PASSKEY_ACTION_REASONS } from "../kernel/error-reasons.ts";
import { AuthError, InvalidInputError } from "../kernel/errors.ts";

/**
 * The passkeys' errors (issue 13 §1–§3), apart from errors.ts, which holds the codes
 * (`ERROR_CODES`) and the rest of the closed set.
 */

const PASSKEY_REFUSED: PublicMessage = {
  ja: "パスキーによる認証ができませんでした。お手数ですが、もう一度お試しください。",
  en: "The passkey could not be verified. Please try again.",
};

// Issue 21 item 7: trying again cannot help with a passkey the server does not know (one the customer removed).
const PASSKEY_UNKNOWN_AT_LOGIN: PublicMessage = {
  ja: "このパスキーは登録されていないか、削除されています。ログインIDとパスワード、メールでお送りする認証コード、または登録済みの別のパスキーでログインしてください。",
  en: "This passkey is not registered or has been removed. Please log in with your login ID, password and the code we email you, or with another passkey you have registered.",
};

/**
 * 5161: a passkey's answer (an assertion or an attestation) was refused: wrong or replayed
 * challenge, another origin, no user verification, an unknown credential or another customer's.
 * One message for all of them (the detail says which, in the log only), but for a passkey login
 * with a credential the server does not know: that one says which way in still works.
 */
export class PasskeyRefusedError extends AuthError {
  static readonly code = "5161";

  constructor(detail: string, options: { unknownAtLogin?: boolean } = {}) {
    super(PasskeyRefusedError.code, options.unknownAtLogin === true ? PASSKEY_UNKNOWN_AT_LOGIN : PASSKEY_REFUSED, detail);
  }
}

/** Why a customer's passkey request was refused though well formed (the API adds it as `error.reason`). */
export type PasskeyActionRefusal = (typeof PASSKEY_ACTION_REASONS)[number];

const PASSKEY_ACTION_MESSAGES: Record<PasskeyActionRefusal, PublicMessage> = {
  no_passkey: { ja: "パスキーが登録されていません。先にパスキーを登録してください。", en: "No passkey is registered. Please register a passkey first." },
  last_passkey_required: {
    ja: "パスキー必須が設定されているため、最後のパスキーは削除できません。先にパスキー必須を解除するか、別のパスキーを登録してください。",
    en: "Your account requires a passkey, so its last passkey cannot be removed. Turn \"passkey required\" off or register another passkey first.",
  },
};

/** [4000] with a reason: a passkey change that does not apply (パスキー必須 with no passkey, removing the last one while required); nothing written. */
export function passkeyActionRefused(reason: PasskeyActionRefusal, detail: string): InvalidInputError {
  return new InvalidInputError(detail, { reason, message: PASSKEY_ACTION_MESSAGES[reason] });
}
