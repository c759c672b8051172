import type { PASSWORD_REASONS } from "./error-reasons.ts";
import { normalizeLoginId, normalizePassword } from "./credentials.ts";
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from "./limits.ts";

/** Why a new password is refused; the API answers it as `error.reason` of [5131]. */
export type PasswordRefusal = (typeof PASSWORD_REASONS)[number];

/** A list of passwords attackers try first (a blocklist, NIST SP 800-63B-4 §3.1.1.2). */
export interface CommonPasswords {
  includes(password: string): boolean;
}

/**
 * The rules for a new password, after NIST SP 800-63B-4 §3.1.1.2: 8–256 characters
 * (NFKC, counted as code points, never truncated), no composition rules, not on a list of
 * common passwords, not the login ID, not the current password. Null when it is accepted.
 */
export function passwordRefusal(
  candidate: string,
  context: { loginId: string; commonPasswords: CommonPasswords; currentPassword?: string },
): PasswordRefusal | null {
  const password = normalizePassword(candidate);
  const length = [...password].length;
  if (length < MIN_PASSWORD_LENGTH) {
    return "too_short";
  }
  if (length > MAX_PASSWORD_LENGTH) {
    return "too_long";
  }
  if (normalizeLoginId(password) === normalizeLoginId(context.loginId)) {
    return "same_as_login_id";
  }
  if (context.currentPassword !== undefined && password === normalizePassword(context.currentPassword)) {
    return "same_as_current";
  }
  // Lists hold lower-case entries; "Password1" is as guessable as "password1".
  if (context.commonPasswords.includes(password.toLowerCase())) {
    return "common";
  }
  return null;
}
