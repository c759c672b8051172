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

export class AuthError extends Error {
  readonly code: string;
  readonly publicMessage: PublicMessage;
  readonly detail: string;
  /** An extra hint shown under the message (e.g. "a newer code was sent"). */
  readonly hint: PublicMessage | null;

  constructor(code: string, publicMessage: PublicMessage, detail: string, options?: { hint?: PublicMessage }) {
    super(`[${code}] ${publicMessage.en} (${detail})`);
    this.name = new.target.name;
    this.code = code;
    this.publicMessage = publicMessage;
    this.detail = detail;
    this.hint = options?.hint ?? null;
  }
}

/** 4000: the request itself is malformed (missing field, too long, bad encoding). */
export class InvalidInputError extends AuthError {
  constructor(detail: string) {
    super("4000", { ja: "入力内容に誤りがあります。", en: "The request is not valid." }, detail);
  }
}

/**
 * 4030: a state-changing request without a valid CSRF token or from another
 * site. To a real customer this means a stale page, so the message says to retry.
 */
export class RequestRefusedError extends AuthError {
  constructor(detail: string) {
    super(
      "4030",
      {
        ja: "画面の有効期限が切れたか、不正な操作です。お手数ですが、もう一度ログイン画面から操作してください。",
        en: "This page has expired or the request was not allowed. Please start again from the login page.",
      },
      detail,
    );
  }
}

/** 4040: no such page or API route. */
export class NotFoundError extends AuthError {
  constructor(detail: string) {
    super("4040", { ja: "お探しのページは見つかりません。", en: "The page was not found." }, detail);
  }
}

/** 4010: no valid session (not logged in, logged out, or timed out). */
export class NotAuthenticatedError extends AuthError {
  constructor(detail: string) {
    super("4010", { ja: "ログインしてください。", en: "Please log in." }, detail);
  }
}

/** 5101: unknown login ID or wrong password; deliberately one generic message. */
export class InvalidCredentialsError extends AuthError {
  constructor(detail: string) {
    super(
      "5101",
      {
        ja: "ログインIDまたはパスワードが正しくありません。",
        en: "The login ID or password is incorrect.",
      },
      detail,
    );
  }
}

/** 5102: the account is locked; only the call center can unlock it. */
export class AccountLockedError extends AuthError {
  constructor(callCenterPhone: string, detail: string) {
    super(
      "5102",
      {
        ja: `口座がロックされています。コールセンター（${callCenterPhone}）までご連絡ください。`,
        en: `Your account is locked. Please call the call center (${callCenterPhone}).`,
      },
      detail,
    );
  }
}

const NEWER_CODE_SENT_HINT: PublicMessage = {
  ja: "新しい認証コードが送信されています。最新のメールに記載された認証コードを入力してください。",
  en: "A newer code has been sent. Please enter the code from the latest mail.",
};

/** 5121: wrong code (seed Q4: the exact text 「[5121] 認証コードが不正です。」). */
export class InvalidCodeError extends AuthError {
  constructor(detail: string, options?: { newerCodeSent?: boolean }) {
    super(
      "5121",
      { ja: "認証コードが不正です。", en: "The authentication code is incorrect." },
      detail,
      options?.newerCodeSent === true ? { hint: NEWER_CODE_SENT_HINT } : undefined,
    );
  }
}

/** 5122: the code's 10 minutes (seed Q5) are over. */
export class CodeExpiredError extends AuthError {
  constructor(detail: string) {
    super(
      "5122",
      {
        ja: "認証コードの有効期限が切れました。もう一度ログインしてください。",
        en: "The authentication code has expired. Please log in again.",
      },
      detail,
    );
  }
}

/** 5123: too many wrong codes; the code is burned. */
export class TooManyCodeAttemptsError extends AuthError {
  constructor(detail: string) {
    super(
      "5123",
      {
        ja: "認証コードの入力誤りが上限に達しました。もう一度ログインしてください。",
        en: "Too many incorrect codes. Please log in again.",
      },
      detail,
    );
  }
}

/** 5124: rate limited. */
export class TooManyRequestsError extends AuthError {
  readonly retryAfterSeconds: number;

  constructor(retryAfterSeconds: number, detail: string) {
    super(
      "5124",
      {
        ja: "ただいまアクセスが集中しています。しばらくしてから再度お試しください。",
        en: "Too many requests. Please try again later.",
      },
      detail,
    );
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/**
 * 5124 as well, but the server's fault: the password-hash queue is full
 * (load shedding), so the web layer answers 503 rather than 429.
 */
export class ServiceBusyError extends TooManyRequestsError {
  constructor(retryAfterSeconds: number, detail: string) {
    super(retryAfterSeconds, detail);
  }
}
