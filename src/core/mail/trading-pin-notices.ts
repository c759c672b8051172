import type { Brand } from "../kernel/brand.ts";
import type { Notice } from "./notice.ts";
import type { RequestOrigin } from "../kernel/request-origin.ts";
import type { CodeMailFacts } from "./code-mail.ts";
import { codeFactsEn, codeFactsJa, codeMailSubject } from "./code-mail.ts";
import { notYouLinesEn, notYouLinesJa, operationLinesEn, operationLinesJa } from "./notice.ts";

/**
 * The customer's own mails about the trading PIN (取引暗証番号, issue 13 §4): the code for a
 * change, the change done, the lock. The call center's unlock is in trading-pin-unlocked-notice.ts.
 * No PIN in any of them, ever.
 */

export function tradingPinChangedSubject(brand: Brand): string {
  return `【${brand.name}】取引暗証番号変更のお知らせ`;
}

export function tradingPinLockedSubject(brand: Brand): string {
  return `【${brand.name}】取引暗証番号ロックのお知らせ`;
}

/** The step-up code for a PIN change: the code mail's subject (the one customers look for), saying what it is for. */
export function tradingPinCodeNotice(brand: Brand, facts: CodeMailFacts): Notice {
  return {
    subject: codeMailSubject(brand),
    ja: [
      `${brand.name}をご利用いただきありがとうございます。`,
      "取引暗証番号変更のための「認証コード」(6桁の数字)をお知らせします。",
      "",
      ...codeFactsJa(facts, "取引暗証番号変更の操作内容"),
      "",
      "取引暗証番号変更画面の「認証コード」欄に上記の認証コードを入力してください。",
      "",
      "■ご自身が取引暗証番号変更の操作をしていないのにこのメールが届いた場合",
      "第三者がお客さまの口座にログインしている可能性があります。このメールの認証コードは誰にも伝えないでください。",
      `${brand.name}のホームページからログインし、「ご利用中の端末」で心当たりのない端末をログアウトさせたうえ、`,
      "ログインパスワードを変更してください。身に覚えのない取引がある場合は、下記コールセンターまでご連絡ください。",
    ],
    en: [
      `Your ${brand.nameEn} code to change your trading PIN`,
      "",
      ...codeFactsEn(facts),
      "",
      "Enter this code on the trading PIN change screen.",
      "",
      "If you did not ask to change your trading PIN, someone else may be logged in to your account. Do not give",
      "this code to anyone. Log in from our website, log out the devices you do not recognise under",
      "\"Devices in use\", and change your password. If you find trades you did not make, call the call center below.",
    ],
  };
}

/** Sent after the customer changed the trading PIN. */
export function tradingPinChangedNotice(brand: Brand, facts: RequestOrigin & { changedAt: number }): Notice {
  return {
    subject: tradingPinChangedSubject(brand),
    ja: [
      `${brand.name}をご利用いただきありがとうございます。`,
      "お客さまの取引暗証番号が変更されました。",
      "",
      ...operationLinesJa("変更の操作内容", facts.changedAt, facts),
      "",
      ...notYouLinesJa(),
    ],
    en: [
      `Your ${brand.nameEn} trading PIN has been changed`,
      "",
      ...operationLinesEn("Changed at", facts.changedAt, facts),
      "",
      ...notYouLinesEn(),
    ],
  };
}

/** Sent once when the 5th consecutive wrong PIN locked it: someone may be guessing; logging in still works. */
export function tradingPinLockedNotice(brand: Brand, facts: RequestOrigin & { lockedAt: number }): Notice {
  return {
    subject: tradingPinLockedSubject(brand),
    ja: [
      `${brand.name}をご利用いただきありがとうございます。`,
      "取引暗証番号の誤入力が続いたため、取引暗証番号をロックしました。ロック中はお取引・ご出金などのお手続きができません。",
      "ログインやログイン後の照会は、これまでどおりご利用いただけます。",
      "",
      ...operationLinesJa("ロックの原因となった操作", facts.lockedAt, facts),
      "",
      "ロックの解除は、ご本人確認のうえコールセンターで承ります。下記までご連絡ください。",
      "",
      "■ご自身の操作にお心当たりがない場合",
      "第三者がお客さまの口座にログインし、取引暗証番号を試した可能性があります。",
      "ただちにログインパスワードを変更し、「ご利用中の端末」で心当たりのない端末をログアウトさせてください。",
    ],
    en: [
      `Your ${brand.nameEn} trading PIN has been locked`,
      "",
      "After repeated wrong trading PINs, your PIN has been locked: trades and withdrawals need it and are not possible",
      "until it is unlocked. You can still log in and view your account.",
      ...operationLinesEn("Locked at", facts.lockedAt, facts),
      "",
      "Only the call center can unlock it, after confirming your identity.",
      "If this was not you, someone may be logged in to your account: change your login password at once and log out",
      "the devices you do not recognise under \"Devices in use\".",
    ],
  };
}
