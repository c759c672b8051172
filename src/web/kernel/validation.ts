import { z } from "zod";
import { InvalidInputError } from "../../core/kernel/errors.ts";
import type { AuthError } from "../../core/kernel/errors.ts";
import { MAX_CODE_INPUT_LENGTH, MAX_PASSWORD_LENGTH } from "../../core/kernel/limits.ts";
import { ANY_CONTROL, BROKEN_ENCODING, CONTROL_BUT_TAB } from "../../core/kernel/credentials.ts";
import { MAX_REASON_LENGTH } from "../../core/kernel/readable-text.ts";
import { MAX_PIN_INPUT_LENGTH } from "../../core/trading-pin/trading-pin-rules.ts";

// Broken envelopes are refused here, as 400 [4000], before the core sees them:
// - U+FFFD is what invalid UTF-8 bytes in a body decode to, and
//   a lone surrogate comes only from a hand-made JSON "\uD800"; neither is text a person typed.
// - Control characters: a browser's text and password fields never send CR/LF
//   (HTML "value sanitization" strips line breaks) and no keyboard types NUL.
//   Without this, normalizeLoginId's trim() would accept "id\r\n" as "id".
// - A tab may be pasted into a password field, so passwords keep it.
// - Seed Q4: a pasted code may carry spaces and line breaks, so the code keeps tab, CR and LF.
const CONTROL_BUT_TAB_CR_LF = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/u;

function textField(maxLength: number, forbidden: RegExp): z.ZodString {
  return z
    .string()
    .min(1)
    .max(maxLength)
    .refine((value) => !BROKEN_ENCODING.test(value) && !forbidden.test(value), { message: "broken encoding or control character" });
}

// Generous upper bounds: the core applies the exact rules; these only stop garbage early.
export const passwordStepBody = z.object({
  loginId: textField(256, ANY_CONTROL),
  password: textField(MAX_PASSWORD_LENGTH * 4, CONTROL_BUT_TAB),
});

export const consoleLoginBody = z.object({
  loginId: textField(256, ANY_CONTROL),
  password: textField(MAX_PASSWORD_LENGTH * 4, CONTROL_BUT_TAB),
  totp: textField(MAX_CODE_INPUT_LENGTH, CONTROL_BUT_TAB_CR_LF),
});

export const codeStepBody = z.object({
  code: textField(MAX_CODE_INPUT_LENGTH, CONTROL_BUT_TAB_CR_LF),
});

export const passwordChangeBody = z.object({
  currentPassword: textField(MAX_PASSWORD_LENGTH * 4, CONTROL_BUT_TAB),
  newPassword: textField(MAX_PASSWORD_LENGTH * 4, CONTROL_BUT_TAB),
  code: textField(MAX_CODE_INPUT_LENGTH, CONTROL_BUT_TAB_CR_LF),
});

/** 取引暗証番号の変更; the PIN rules themselves are the core's (trading-pin-rules.ts). */
export const tradingPinChangeBody = z.object({
  currentPin: textField(MAX_PIN_INPUT_LENGTH, ANY_CONTROL),
  newPin: textField(MAX_PIN_INPUT_LENGTH, ANY_CONTROL),
  code: textField(MAX_CODE_INPUT_LENGTH, CONTROL_BUT_TAB_CR_LF),
});

/**
 * The page forms' new password or PIN, typed a second time (issue 21 item 4): checked here, before
 * the core is asked, so a mismatch changes and counts nothing. The JSON API has no such field.
 */
export const passwordChangeForm = passwordChangeBody.extend({ newPasswordConfirm: textField(MAX_PASSWORD_LENGTH * 4, CONTROL_BUT_TAB) });
export const tradingPinChangeForm = tradingPinChangeBody.extend({ newPinConfirm: textField(MAX_PIN_INPUT_LENGTH, ANY_CONTROL) });

/** The log's word for a new password or PIN typed twice differently: the page knows its fields by it. */
const TYPED_TWICE_DIFFERENTLY = "new secret typed twice differently";

const TYPED_TWICE_MESSAGES = {
  password: { ja: "新しいパスワードと、確認のために入力したパスワードが一致しません。両方をもう一度入力してください。", en: "The new password and its confirmation do not match. Please enter both again." },
  pin: { ja: "新しい取引暗証番号と、確認のために入力した取引暗証番号が一致しません。両方をもう一度入力してください。", en: "The new trading PIN and its confirmation do not match. Please enter both again." },
} as const;

/** [4000] unless the two are the same as the core reads them (NFKC: full-width digits are digits). */
export function requireTypedTwice(first: string, second: string, what: keyof typeof TYPED_TWICE_MESSAGES): void {
  if (first.normalize("NFKC") !== second.normalize("NFKC")) {
    throw new InvalidInputError(TYPED_TWICE_DIFFERENTLY, { message: TYPED_TWICE_MESSAGES[what] });
  }
}

/** Whether `error` is requireTypedTwice's refusal: the page empties and marks both entries. */
export function typedTwiceDifferently(error: AuthError): boolean {
  return error instanceof InvalidInputError && error.detail === TYPED_TWICE_DIFFERENTLY;
}

export const freezeBody = z.object({
  password: textField(MAX_PASSWORD_LENGTH * 4, CONTROL_BUT_TAB),
});

export const passwordResetBody = z.object({
  loginId: textField(256, ANY_CONTROL),
  birthDate: textField(32, ANY_CONTROL),
});

export const passwordResetCompleteBody = z.object({
  code: textField(MAX_CODE_INPUT_LENGTH, CONTROL_BUT_TAB_CR_LF),
  newPassword: textField(MAX_PASSWORD_LENGTH * 4, CONTROL_BUT_TAB),
});

export const passwordResetCompleteForm = passwordResetCompleteBody.extend({ newPasswordConfirm: textField(MAX_PASSWORD_LENGTH * 4, CONTROL_BUT_TAB) });

export const loginIdRemindBody = z.object({
  email: textField(320, ANY_CONTROL),
  birthDate: textField(32, ANY_CONTROL),
});

/**
 * The recovery forms' date of birth as three numeric fields, 年 / 月 / 日 (issue 21 item 10):
 * `birthDateOf` writes them as the API's `YYYY-MM-DD`, and the core checks that as it always did.
 */
const birthDateFields = { birthYear: textField(16, ANY_CONTROL), birthMonth: textField(16, ANY_CONTROL), birthDay: textField(16, ANY_CONTROL) };
export const passwordResetForm = z.object({ loginId: textField(256, ANY_CONTROL), ...birthDateFields });
export const loginIdRemindForm = z.object({ email: textField(320, ANY_CONTROL), ...birthDateFields });

/**
 * `1956`, `4`, `1` (full-width digits typed with the IME too) → `1956-04-01`. Nothing is guessed:
 * what is not a date here (a two-digit year, 13月, letters) is not one there either, and the core
 * refuses it with the one answer a bad date always had ([4000], nothing asked).
 */
export function birthDateOf(fields: { birthYear: string; birthMonth: string; birthDay: string }): string {
  const [year, month, day] = [fields.birthYear, fields.birthMonth, fields.birthDay].map((part) => part.normalize("NFKC").trim());
  return `${year}-${(month ?? "").padStart(2, "0")}-${(day ?? "").padStart(2, "0")}`;
}

export const noticeSettingsBody = z.object({ everyLogin: z.boolean() }).strict();

// Console actions (issue 12 §4): the reason's exact rules (required, 500 characters, no hidden
// characters, line breaks allowed) are the core's checkedReason; this only bounds the size.
const operatorReason = z.string().max(MAX_REASON_LENGTH * 4);

/** The customer a console action names in its path. */
export const consoleCustomerParams = z.object({ loginId: textField(256, ANY_CONTROL) });

/**
 * A relying party by its client ID, as registered (core/oidc/client-registration.ts CLIENT_ID_PATTERN,
 * any case): an unknown one is the core's `not_connected`.
 */
const clientIdField = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/u);

/** The console's 「サービス連携の解除」 (issue 20 item 8): which client, and why. */
export const consoleRevokeConnectionBody = z.object({ clientId: clientIdField, reason: operatorReason });

/** unlock, end-sessions, mfa-on, mfa-off-requests, and a request's approve or reject. */
export const consoleReasonBody = z.object({ reason: operatorReason });

/** The operators page's unlock form (issue 17 item 15): the operator's login ID and the reason. */
export const consoleOperatorUnlockForm = z.object({ loginId: textField(256, ANY_CONTROL), reason: operatorReason });

export const consoleUnfreezeBody = z.object({ reason: operatorReason, identityChecked: z.boolean() });

export const consoleEmailBody = z.object({ email: textField(320, ANY_CONTROL), reason: operatorReason });

// Security requests (issue 17 item 2).
/** `POST …/customers/{loginId}/email-verification`: the new address to send a code to. */
export const consoleEmailVerificationBody = z.object({ email: textField(320, ANY_CONTROL) });

/** `POST …/customers/{loginId}/email-change-requests`: the verified address, its code, the reason. */
export const consoleEmailChangeRequestBody = z.object({ email: textField(320, ANY_CONTROL), code: textField(MAX_CODE_INPUT_LENGTH, ANY_CONTROL), reason: operatorReason });

/** `POST …/customers/{loginId}/birth-date-check`: what the caller says, `YYYY-MM-DD` (checked by the core). */
export const consoleBirthDateCheckBody = z.object({ birthDate: textField(32, ANY_CONTROL) });

/** `GET /console/api/v1/security-requests?state=…` (default pending). */
export const securityRequestListQuery = z.object({ state: z.enum(["pending", "approved", "effective", "rejected", "cancelled", "expired"]).default("pending") });

/** The console page's unfreeze form: the 「本人確認を行いました」 checkbox sends "on" only when ticked. */
export const consoleUnfreezeForm = z.object({ reason: operatorReason, identityChecked: z.literal("on").optional() });

/** An MFA-off request in the path (a random ID). */
export const mfaOffRequestParams = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/u) });

export const mfaOffListQuery = securityRequestListQuery;

/** Parses a request body against `schema`; InvalidInputError (4000) names the bad fields. */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body ?? {});
  if (!result.success) {
    throw new InvalidInputError(invalidFieldsDetail(result.error));
  }
  return result.data;
}

/** What the log says of a refused body or parameters: the names of the bad fields, never their values. */
export function invalidFieldsDetail(error: z.ZodError): string {
  const fields = [...new Set(error.issues.map((issue) => issue.path.join(".") || "body"))];
  return `invalid fields: ${fields.join(", ")}`;
}

/** お知らせ設定 as the page's form sends it: the checkbox's field only when it is ticked. */
export const noticeSettingsForm = z.object({ everyLogin: z.literal("on").optional() });

/** ご利用中の端末: the session to end, by its public ID (session.ts sessionPublicId). */
export const endSessionForm = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/u) });

/** 「連携を解除する」 (ご利用中の端末, POST /api/v1/connections/end): the client by its ID. */
export const endConnectionForm = z.object({ clientId: clientIdField });

/** ログイン履歴's 「さらに表示」 link. */
export const historyPageQuery = z.object({ before: z.string().max(200).optional() });

// The console's read side (issue 12 §3, §5): an empty filter field counts as absent (a form sends it so).
function optionalFilter(maxLength: number): z.ZodType<string | undefined> {
  return z.preprocess((value) => (value === "" ? undefined : value), textField(maxLength, ANY_CONTROL).optional());
}

/** `GET /console/api/v1/customers?q=`: the exact length rule (1–100 after trimming) is the core's. */
export const consoleCustomerSearchQuery = z.object({ q: textField(400, ANY_CONTROL) });

/** `GET /console/api/v1/audit`: login IDs, an event name or prefix, JST dates; the core checks their form. */
export const consoleAuditQuery = z.object({
  customer: optionalFilter(256),
  operator: optionalFilter(256),
  type: optionalFilter(64),
  from: optionalFilter(40),
  to: optionalFilter(40),
  before: optionalFilter(200),
  limit: z.preprocess((value) => (value === "" ? undefined : value), z.string().regex(/^\d{1,4}$/u).transform(Number).optional()),
});

// Operation-bound confirmations (issue 13 §5): the operation's exact rules (types, flat details,
// sizes) are the core's checkedOperation; the PIN's are TradingPins'. These bound the envelope.
export const confirmationStartBody = z.object({ operation: z.unknown() });

/** A confirmation in the path (a random ID); an unknown one is the core's [5141]. */
export const confirmationParams = z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/u) });

export const confirmationAnswerBody = z.object({
  pin: textField(64, ANY_CONTROL),
  code: textField(MAX_CODE_INPUT_LENGTH, CONTROL_BUT_TAB_CR_LF).optional(),
  /** AuthenticationResponseJSON of @simplewebauthn/browser; the passkey rules check it. */
  passkeyResponse: z.record(z.string(), z.unknown()).optional(),
});
