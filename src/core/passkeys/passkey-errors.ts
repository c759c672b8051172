import type { PublicMessage } from "../kernel/errors.ts";
import type { PASSKEY_ACTION_REASONS } from "../kernel/error-reasons.ts";
import { AuthError, InvalidInputError } from "../kernel/errors.ts";

/**
 * The passkeys' errors (issue 13 §1–§3), apart from errors.ts, which holds the codes
 * (`ERROR_CODES`) and the rest of the closed set.
 */

/**
 * 5161: a passkey's answer (an assertion or an attestation) was refused: wrong or replayed
 * challenge, another origin, no user verification, an unknown credential or another customer's.
 * One message for all of them; the detail says which, in the log only.
 */
export class PasskeyRefusedError extends AuthError {
  static readonly code = "5161";

  constructor(detail: string) {
    super(
      PasskeyRefusedError.code,
      {
        ja: "パスキーによる認証ができませんでした。お手数ですが、もう一度お試しください。",
        en: "The passkey could not be verified. Please try again.",
      },
      detail,
    );
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
