import type { ErrorCode } from "./errors.ts";

/**
 * The closed set of `error.reason`: the word the API adds to an error
 * (`{"error":{"code":"4000","message":…,"reason":"not_locked"}}`) so an app can tell apart
 * refusals that share a code. Grouped by the rule that gives them; each feature's refusal type is
 * one group (`PasswordRefusal` = a `PASSWORD_REASONS` word), so a reason not listed here does not
 * compile, and the README's reason table is checked against `ERROR_REASONS`
 * (test/unit/error-codes.readme.test.ts).
 */

/** [5131]: the new-password rules (password-policy.ts). */
export const PASSWORD_REASONS = ["too_short", "too_long", "common", "same_as_login_id", "same_as_current"] as const;

/** [5144]: the new trading PIN's rules (trading-pin/trading-pin-rules.ts). */
export const TRADING_PIN_REASONS = ["format", "repeated", "sequence", "same_as_current"] as const;

/** [4000]: a customer's passkey change that does not apply (passkeys/passkey-errors.ts). */
export const PASSKEY_ACTION_REASONS = ["no_passkey", "last_passkey_required"] as const;

/** [4000]: ending a connected service (「連携中のサービス」) that is not connected: the customer's or the call center's (oidc/connected-services.ts). */
export const CONNECTION_REASONS = ["not_connected"] as const;

/** [4000]: an operator's action that does not apply to what it acts on (console/console-errors.ts). */
export const OPERATOR_ACTION_REASONS = [
  "not_locked",
  "not_frozen",
  "mfa_already_on",
  "mfa_already_off",
  "same_email",
  "changed_meanwhile",
  "identity_not_checked",
  "request_pending",
  "request_decided",
  "request_expired",
  "passkey_not_required",
  "trading_pin_not_locked",
  "operator_disabled",
  "request_closed",
  "use_email_change_request",
  "use_passkey_required_off_request",
] as const;

/**
 * [4010]: why the session behind the cookie ended (issue 21 item 3), as the session store keeps it
 * (login/session.ts); none when there was no session to end (no cookie, an unknown one).
 */
export const SESSION_END_REASONS = [
  "logged_out",
  "ended_by_customer",
  "ended_by_operator",
  "account_locked",
  "account_frozen",
  "password_changed",
  "email_changed",
  "idle_timeout",
  "absolute_timeout",
] as const;

/** Why a session ended: one word of SESSION_END_REASONS. */
export type SessionEndReason = (typeof SESSION_END_REASONS)[number];

/** The reasons each code comes with; a code not named here never carries one. */
export const ERROR_REASONS_BY_CODE = {
  "4010": SESSION_END_REASONS,
  "4000": [...PASSKEY_ACTION_REASONS, ...OPERATOR_ACTION_REASONS, ...CONNECTION_REASONS],
  "5131": PASSWORD_REASONS,
  "5144": TRADING_PIN_REASONS,
} as const satisfies Partial<Record<ErrorCode, readonly string[]>>;

/** The codes that may carry a reason. */
export type CodeWithReason = keyof typeof ERROR_REASONS_BY_CODE;

/** The reasons one code comes with: `ReasonOf<"4000">`. */
export type ReasonOf<C extends CodeWithReason> = (typeof ERROR_REASONS_BY_CODE)[C][number];

export type ErrorReason = ReasonOf<CodeWithReason>;

/** Every reason once (`same_as_current` comes with [5131] and [5144]). */
export const ERROR_REASONS: readonly ErrorReason[] = [...new Set<ErrorReason>(Object.values(ERROR_REASONS_BY_CODE).flat())];
