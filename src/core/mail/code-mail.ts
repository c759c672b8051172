import type { Brand } from "../kernel/brand.ts";
import type { Notice } from "./notice.ts";
import type { RequestOrigin } from "../kernel/request-origin.ts";
import { formatJapanTime, formatJapanTimeWithZone } from "../kernel/japan-time.ts";

/** Seed 別紙1-2: the exact subject customers are told to look for. */
export function codeMailSubject(brand: Brand): string {
  return `【${brand.name}】認証コードのお知らせ`;
}

export interface CodeMailFacts extends RequestOrigin {
  code: string;
  sentAt: number;
  expiresAt: number;
  ttlMinutes: number;
}

/** The code, its limit and the request that asked for it, as every code mail states them (Japanese). */
export function codeFactsJa(facts: CodeMailFacts, heading: string): string[] {
  return [
    `認証コード: ${facts.code}`,
    `有効期限: ${formatJapanTime(facts.expiresAt)} まで(メール送信から${facts.ttlMinutes}分間)`,
    "",
    `[${heading}]`,
    `送信日時: ${formatJapanTime(facts.sentAt)}`,
    `IPアドレス: ${facts.ip}`,
    `ご利用環境: ${facts.device}`,
  ];
}

/** The same facts in the English part. */
export function codeFactsEn(facts: CodeMailFacts): string[] {
  return [
    `Code: ${facts.code}`,
    `Valid until: ${formatJapanTimeWithZone(facts.expiresAt)} (${facts.ttlMinutes} minutes from sending)`,
    "",
    `Requested at: ${formatJapanTimeWithZone(facts.sentAt)}`,
    `IP address: ${facts.ip}`,
    `Device: ${facts.device}`,
  ];
}

/** The code mail (seed 別紙1-2), Japanese first, English below. */
export function codeMailNotice(brand: Brand, facts: CodeMailFacts): Notice {
  return {
    subject: codeMailSubject(brand),
    ja: [
      `${brand.name}をご利用いただきありがとうございます。`,
      "ログイン時多要素認証の「認証コード」(6桁の数字)をお知らせします。",
      "",
      ...codeFactsJa(facts, "ログイン操作の内容"),
      "",
      "[ログイン時多要素認証 入力]画面の「認証コード」欄に上記の認証コードを入力し、「ログイン」をクリックしてください。",
      "再度ログイン操作を行うと別の認証コードが送信され、このメールの認証コードはご利用いただけなくなります。",
      "",
      "■ご自身がログイン操作をしていないのにこのメールが届いた場合",
      "第三者が不正ログインを試みている可能性があります。",
      `${brand.name}のホームページよりご自身の口座にログインし、不審な取引が無いことをご確認ください。`,
      "併せてログインパスワードの変更をお勧めします。",
      "身に覚えのない取引が見つかった場合は、下記コールセンターまでご連絡ください。",
    ],
    en: [
      `Your ${brand.nameEn} login authentication code`,
      "",
      ...codeFactsEn(facts),
      "",
      "Enter this code on the login authentication screen. Logging in again sends a new code and this one stops working.",
      "",
      "If you did not try to log in, someone else may be trying to access your account.",
      `Log in from the ${brand.nameEn} website, check that there are no trades you do not recognise,`,
      "and change your login password. If you find such trades, please call the call center below.",
    ],
  };
}
