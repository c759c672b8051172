import type { ErrorCode, PublicMessage } from "./errors.ts";
import { AuthError } from "./errors.ts";

/** A refusal the customer may try again after a while: the web layer sends `Retry-After`. */
export abstract class RetryLaterError extends AuthError {
  readonly retryAfterSeconds: number;

  protected constructor(code: ErrorCode, publicMessage: PublicMessage, retryAfterSeconds: number, detail: string) {
    super(code, publicMessage, detail);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/**
 * 5124: rate limited, or (`serverBusy`) the server's fault: the password-hash queue is full (load
 * shedding), so the web layer answers 503 rather than 429. The customer reads the same message and
 * JSON either way; only the status differs, so it is an option, not a `reason`.
 */
export class TooManyRequestsError extends RetryLaterError {
  static readonly code = "5124";
  readonly serverBusy: boolean;

  constructor(retryAfterSeconds: number, detail: string, options?: { serverBusy?: boolean }) {
    super(
      TooManyRequestsError.code,
      {
        ja: "ただいまアクセスが集中しています。しばらくしてから再度お試しください。",
        en: "Too many requests. Please try again later.",
      },
      retryAfterSeconds,
      detail,
    );
    this.serverBusy = options?.serverBusy === true;
  }
}

/**
 * 5125: the code-mail limit (mail bombing: 5 code mails per customer in 15 minutes) was
 * reached. Issue 11: under 5124 the customer read 「ただいまアクセスが集中しています」 as an
 * overload and was told neither what happened nor how long to wait; this says both.
 */
export class CodeMailLimitError extends RetryLaterError {
  static readonly code = "5125";

  /**
   * `resend`: refused at 「認証コードを再送信」 on the code screen (issue 21, item 2), where the code
   * already sent still works: the way on is that code, or a resend later, not a new login.
   */
  constructor(limit: { max: number; windowSeconds: number }, retryAfterSeconds: number, detail: string, options?: { resend?: boolean }) {
    const window = { ja: durationJa(limit.windowSeconds), en: durationEn(limit.windowSeconds) };
    const waitMinutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
    const wait = { ja: `あと${waitMinutes}分ほどお待ちのうえ`, en: `wait about ${waitMinutes} ${waitMinutes === 1 ? "minute" : "minutes"}` };
    const reached = { ja: `認証コードの送信回数が上限（${window.ja}に${limit.max}回）に達しました。`, en: `You have reached the limit of ${limit.max} code mails in ${window.en}.` };
    super(
      CodeMailLimitError.code,
      options?.resend === true
        ? {
            ja: `${reached.ja}再送信は、${wait.ja}お試しください。送信済みの最新の認証コードは、有効期限まで引き続きご利用いただけます。`,
            en: `${reached.en} Please ${wait.en} before asking for a new code. The latest code already sent can still be used until it expires.`,
          }
        : { ja: `${reached.ja}${wait.ja}、もう一度ログインしてください。`, en: `${reached.en} Please ${wait.en} and log in again.` },
      retryAfterSeconds,
      detail,
    );
  }
}

/** `900` → 「15分間」; a window that is not whole minutes (a test setting) in seconds. */
function durationJa(seconds: number): string {
  return seconds % 60 === 0 ? `${seconds / 60}分間` : `${seconds}秒間`;
}

/** `900` → "15 minutes". */
function durationEn(seconds: number): string {
  if (seconds % 60 !== 0) {
    return `${seconds} seconds`;
  }
  return seconds === 60 ? "1 minute" : `${seconds / 60} minutes`;
}
