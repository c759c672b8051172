import type { ErrorReason, ReasonOf } from "./error-reasons.ts";
import type { PasswordRefusal } from "./password-policy.ts";

/**
 * The closed set of errors the product shows. Each carries a stable code
 * (shown as `[NNNN] message`, documented in the README), a public message in
 * Japanese and English, and a private detail that only goes to the log.
 * The HTTP status is decided in `web/`, never here.
 */
export interface PublicMessage {
  ja: string;
  en: string;
}

/** Every code the product shows; a table keyed by `ErrorCode` cannot miss one. */
export const ERROR_CODES = ["4000", "4010", "4030", "4031", "4040", "5000", "5101", "5102", "5103", "5104", "5121", "5122", "5123", "5124", "5125", "5126", "5131", "5141", "5142", "5143", "5144", "5145", "5146", "5161"] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * The base of the closed set: abstract, so every error shown is one of its subclasses. One class
 * per code, each with its code as a static (test/unit/error-classes.one-per-code.test.ts): what
 * sets apart errors of one code is its `reason` (error-reasons.ts) and message, or an option
 * that only the web layer reads (5124's `serverBusy`), never a second class, so `instanceof`
 * and the code always agree. A code's class lives in the kernel when several features throw it
 * (here, retry-later-errors.ts, email-hold.ts), else in its feature's `*-errors.ts`.
 */
export abstract class AuthError extends Error {
  readonly code: ErrorCode;
  readonly publicMessage: PublicMessage;
  readonly detail: string;
  /** An extra hint shown under the message (e.g. "a newer code was sent"). */
  readonly hint: PublicMessage | null;
  /** A machine-readable reason the API adds as `error.reason` (e.g. a refused password's rule). */
  readonly reason: ErrorReason | null;

  protected constructor(code: ErrorCode, publicMessage: PublicMessage, detail: string, options?: { hint?: PublicMessage; reason?: ErrorReason }) {
    super(`[${code}] ${publicMessage.en} (${detail})`);
    this.name = new.target.name;
    this.code = code;
    this.publicMessage = publicMessage;
    this.detail = detail;
    this.hint = options?.hint ?? null;
    this.reason = options?.reason ?? null;
  }
}

/** 5000: anything unexpected; the detail goes to the log only, the customer sees a generic message. */
export class InternalError extends AuthError {
  static readonly code = "5000";

  constructor(detail: string) {
    super(InternalError.code, { ja: "システムエラーが発生しました。", en: "A system error occurred." }, detail);
  }
}

/**
 * 4000: without a reason, the request itself is malformed (missing field, too long, bad encoding),
 * one message for all. With one, it was well formed but does not apply (a passkey change, a
 * console action): the feature that refuses gives the reason's own message (passkey-errors.ts,
 * console-errors.ts), and nothing was written. A page form's own check (the new password typed
 * twice differently, web/kernel/validation.ts) gives its message without a reason: the API never sends it.
 */
export class InvalidInputError extends AuthError {
  static readonly code = "4000";

  constructor(detail: string, refusal?: { reason?: ReasonOf<"4000">; message: PublicMessage }) {
    super(
      InvalidInputError.code,
      refusal?.message ?? { ja: "入力内容に誤りがあります。", en: "The request is not valid." },
      detail,
      refusal?.reason === undefined ? undefined : { reason: refusal.reason },
    );
  }
}

/**
 * 4030: a state-changing request without a valid CSRF token or from another
 * site. To a real customer this means a stale page, so the message says to retry.
 */
export class RequestRefusedError extends AuthError {
  static readonly code = "4030";

  constructor(detail: string) {
    super(
      RequestRefusedError.code,
      {
        ja: "画面の有効期限が切れたか、不正な操作です。お手数ですが、もう一度ログイン画面から操作してください。",
        en: "This page has expired or the request was not allowed. Please start again from the login page.",
      },
      detail,
    );
  }
}

const NOT_FOUND_MESSAGES: Record<"page" | "customer" | "request" | "operator", PublicMessage> = {
  page: { ja: "お探しのページは見つかりません。", en: "The page was not found." },
  customer: { ja: "該当するお客さまが見つかりません。", en: "No customer has this login ID." },
  request: { ja: "該当する申請が見つかりません。", en: "No such request." },
  operator: { ja: "該当するオペレーターが見つかりません。", en: "No operator has this login ID." },
};

/** 4040: no such page or API route; on the console also no such customer or request (`what`). */
export class NotFoundError extends AuthError {
  static readonly code = "4040";

  constructor(detail: string, options?: { what?: "page" | "customer" | "request" | "operator" }) {
    super(NotFoundError.code, NOT_FOUND_MESSAGES[options?.what ?? "page"], detail);
  }
}

/** 4010: no valid session (not logged in, logged out, or timed out); with a `reason`, why the session behind the cookie ended. */
export class NotAuthenticatedError extends AuthError {
  static readonly code = "4010";

  constructor(detail: string, endedBecause?: ReasonOf<"4010"> | null) {
    super(NotAuthenticatedError.code, { ja: "ログインしてください。", en: "Please log in." }, detail, endedBecause === undefined || endedBecause === null ? undefined : { reason: endedBecause });
  }
}

/** 5101: unknown login ID or wrong password; deliberately one generic message. */
export class InvalidCredentialsError extends AuthError {
  static readonly code = "5101";

  /**
   * `currentPassword`: the customer is logged in and no login ID was typed (password change,
   * freeze), so the message names only the password. `operatorConsole`: an operator typed a login
   * ID, a password and a TOTP code, so the one message names all three, whichever was wrong.
   */
  constructor(detail: string, options?: { currentPassword?: boolean; operatorConsole?: boolean }) {
    super(InvalidCredentialsError.code, invalidCredentialsMessage(options), detail);
  }
}

function invalidCredentialsMessage(options?: { currentPassword?: boolean; operatorConsole?: boolean }): PublicMessage {
  if (options?.currentPassword === true) {
    return { ja: "現在のログインパスワードが正しくありません。", en: "The current login password is incorrect." };
  }
  if (options?.operatorConsole === true) {
    return { ja: "ログインID、パスワードまたは確認コードが正しくありません。", en: "The login ID, password or verification code is incorrect." };
  }
  return { ja: "ログインIDまたはパスワードが正しくありません。", en: "The login ID or password is incorrect." };
}

/** 5102: the account is locked; only the call center can unlock it. */
export class AccountLockedError extends AuthError {
  static readonly code = "5102";

  constructor(callCenterPhone: string, detail: string) {
    super(
      AccountLockedError.code,
      {
        ja: `口座がロックされています。コールセンター（${callCenterPhone}）までご連絡ください。`,
        en: `Your account is locked. Please call the call center (${callCenterPhone}).`,
      },
      detail,
    );
  }
}

/** 5103: the customer froze the account (seed Q9); only the call center reopens it. */
export class AccountFrozenError extends AuthError {
  static readonly code = "5103";

  constructor(callCenterPhone: string, detail: string) {
    super(
      AccountFrozenError.code,
      {
        ja: `お客さまのお申し出により、口座へのログインを停止しています。再開をご希望の場合は、コールセンター（${callCenterPhone}）までご連絡ください。`,
        en: `At your request, logins to your account are stopped. To reopen it, please call the call center (${callCenterPhone}).`,
      },
      detail,
    );
  }
}

const NEWER_CODE_SENT_HINT: PublicMessage = {
  ja: "新しい認証コードが送信されています。最新のメールに記載された認証コードを入力してください。",
  en: "A newer code has been sent. Please enter the code from the latest mail.",
};

/**
 * The code of this screen was superseded (issue 21 item 1): the newer code belongs to another
 * browser (a login on the phone), so "enter the newest code" would send the customer nowhere.
 */
const SUPERSEDED_HERE_HINT: PublicMessage = {
  ja: "新しい認証コードが送信されています。別の画面や別の端末でログインの操作が行われた場合などは、この画面ではログインを続けられません。お手数ですが、もう一度ログインしてください。",
  en: "A newer code has been sent. When a login is started on another screen or device, for example, this screen can no longer complete the login. Please log in again.",
};

/** 5121: wrong code (seed Q4: the exact text 「[5121] 認証コードが不正です。」). */
export class InvalidCodeError extends AuthError {
  static readonly code = "5121";

  /**
   * `newerCodeSent`: the typed code is one a newer code replaced, and this screen takes the newer
   * one. `supersededHere`: this screen's own code was replaced, so the way on is a new login.
   */
  constructor(detail: string, options?: { newerCodeSent?: boolean; supersededHere?: boolean }) {
    super(InvalidCodeError.code, { ja: "認証コードが不正です。", en: "The authentication code is incorrect." }, detail, invalidCodeHint(options));
  }
}

function invalidCodeHint(options?: { newerCodeSent?: boolean; supersededHere?: boolean }): { hint: PublicMessage } | undefined {
  if (options?.supersededHere === true) {
    return { hint: SUPERSEDED_HERE_HINT };
  }
  return options?.newerCodeSent === true ? { hint: NEWER_CODE_SENT_HINT } : undefined;
}

/** 5122: the code's 10 minutes (seed Q5) are over. */
export class CodeExpiredError extends AuthError {
  static readonly code = "5122";

  /** `stepUp`: a code for a password change or reset, where the way on is a new code, not a new login. */
  constructor(detail: string, options?: { stepUp?: boolean }) {
    super(
      CodeExpiredError.code,
      options?.stepUp === true
        ? { ja: "認証コードの有効期限が切れました。お手数ですが、もう一度認証コードの送信からお手続きください。", en: "The authentication code has expired. Please request a new code." }
        : { ja: "認証コードの有効期限が切れました。もう一度ログインしてください。", en: "The authentication code has expired. Please log in again." },
      detail,
    );
  }
}

/** 5123: too many wrong codes; the code is burned. */
export class TooManyCodeAttemptsError extends AuthError {
  static readonly code = "5123";

  /** `stepUp`: as for CodeExpiredError. */
  constructor(detail: string, options?: { stepUp?: boolean }) {
    super(
      TooManyCodeAttemptsError.code,
      options?.stepUp === true
        ? { ja: "認証コードの入力誤りが上限に達しました。お手数ですが、もう一度認証コードの送信からお手続きください。", en: "Too many incorrect codes. Please request a new code." }
        : { ja: "認証コードの入力誤りが上限に達しました。もう一度ログインしてください。", en: "Too many incorrect codes. Please log in again." },
      detail,
    );
  }
}

const PASSWORD_REFUSAL_MESSAGES: Record<PasswordRefusal, PublicMessage> = {
  too_short: { ja: "パスワードは8文字以上で設定してください。", en: "The password must be at least 8 characters long." },
  too_long: { ja: "パスワードは256文字以内で設定してください。", en: "The password must be at most 256 characters long." },
  common: {
    ja: "このパスワードはよく使われているため、第三者に推測されるおそれがあります。別のパスワードを設定してください。",
    en: "This password is too common and easy to guess. Please choose another.",
  },
  same_as_login_id: { ja: "ログインIDと同じパスワードは設定できません。", en: "The password must not be the same as the login ID." },
  same_as_current: { ja: "現在と同じパスワードは設定できません。", en: "The new password must differ from the current one." },
};

/** 5131: a new password the rules refuse (NIST SP 800-63B-4); `reason` says which rule. */
export class PasswordRejectedError extends AuthError {
  static readonly code = "5131";

  constructor(reason: PasswordRefusal, detail: string) {
    const why = PASSWORD_REFUSAL_MESSAGES[reason];
    super(PasswordRejectedError.code, { ja: `新しいパスワードを設定できません。${why.ja}`, en: `The new password cannot be used. ${why.en}` }, detail, { reason });
  }
}
