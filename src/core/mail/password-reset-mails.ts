import type { Brand } from "../kernel/brand.ts";
import type { Notice } from "./notice.ts";
import { notYouLinesEn, notYouLinesJa, operationLinesEn, operationLinesJa } from "./notice.ts";
import type { CodeMailFacts } from "./code-mail.ts";
import type { RequestOrigin } from "../kernel/request-origin.ts";
import { codeFactsEn, codeFactsJa, codeMailSubject } from "./code-mail.ts";

/** The code for a forgotten password: the login code's subject, and what the code is for. */
export function passwordResetCodeNotice(brand: Brand, facts: CodeMailFacts): Notice {
  return {
    subject: codeMailSubject(brand),
    ja: [
      `${brand.name}をご利用いただきありがとうございます。`,
      "ログインパスワード再設定のための「認証コード」(6桁の数字)をお知らせします。",
      "",
      ...codeFactsJa(facts, "再設定の操作内容"),
      "",
      "パスワード再設定画面の「認証コード」欄に上記の認証コードを入力し、新しいパスワードを設定してください。",
      "",
      "■ご自身が再設定の操作をしていないのにこのメールが届いた場合",
      "このメールの認証コードは誰にも伝えないでください。パスワードは変更されていません。",
      "心当たりのない操作が続く場合は、下記コールセンターまでご連絡ください。",
    ],
    en: [
      `Your ${brand.nameEn} code to reset your login password`,
      "",
      ...codeFactsEn(facts),
      "",
      "Enter this code on the password reset screen and choose a new password.",
      "",
      "If you did not ask for this, do not give the code to anyone: your password has not been changed.",
      "If it happens again, please call the call center below.",
    ],
  };
}

export function passwordResetDoneSubject(brand: Brand): string {
  return `【${brand.name}】ログインパスワード再設定のお知らせ`;
}

/** After a reset: every session ended; a lock from failed attempts, if any, was lifted. */
export function passwordResetDoneNotice(brand: Brand, facts: RequestOrigin & { resetAt: number; unlocked: boolean }): Notice {
  return {
    subject: passwordResetDoneSubject(brand),
    ja: [
      `${brand.name}をご利用いただきありがとうございます。`,
      "お客さまのログインパスワードが再設定されました。すべての端末のログインを終了しています。",
      ...(facts.unlocked ? ["誤入力によるロックも解除しました。"] : []),
      "",
      ...operationLinesJa("再設定の操作内容", facts.resetAt, facts),
      "",
      ...notYouLinesJa(),
    ],
    en: [
      `Your ${brand.nameEn} login password has been reset`,
      "",
      "Every login to your account has been ended." + (facts.unlocked ? " The lock after wrong entries has been lifted." : ""),
      ...operationLinesEn("Reset at", facts.resetAt, facts),
      "",
      ...notYouLinesEn(),
    ],
  };
}

export function loginIdReminderSubject(brand: Brand): string {
  return `【${brand.name}】ログインIDのお知らせ`;
}

/** The login ID, mailed to the registered address only (never shown on a page). */
export function loginIdReminderNotice(brand: Brand, facts: RequestOrigin & { loginId: string; requestedAt: number }): Notice {
  return {
    subject: loginIdReminderSubject(brand),
    ja: [
      `${brand.name}をご利用いただきありがとうございます。`,
      "お問い合わせのあったログインIDをお知らせします。",
      "",
      `ログインID: ${facts.loginId}`,
      "",
      ...operationLinesJa("お問い合わせの操作内容", facts.requestedAt, facts),
      "",
      "■お心当たりがない場合",
      "このメールは登録されたメールアドレスにのみ送信しています。パスワードは変更されていません。",
    ],
    en: [
      `Your ${brand.nameEn} login ID`,
      "",
      `Login ID: ${facts.loginId}`,
      ...operationLinesEn("Requested at", facts.requestedAt, facts),
      "",
      "This mail goes only to your registered address. If you did not ask for it, your password has not been changed.",
    ],
  };
}
