import type { Brand } from "../kernel/brand.ts";
import type { Notice } from "./notice.ts";
import type { CodeMailFacts } from "./code-mail.ts";
import { codeFactsEn, codeFactsJa, codeMailSubject } from "./code-mail.ts";

/**
 * The code for a password change (issue 11): the same subject as the login code, as the
 * customer is told to expect, but it says what the code is for, so a code for a change the
 * customer did not start is recognised as a warning.
 */
export function passwordChangeCodeNotice(brand: Brand, facts: CodeMailFacts): Notice {
  return {
    subject: codeMailSubject(brand),
    ja: [
      `${brand.name}をご利用いただきありがとうございます。`,
      "ログインパスワード変更のための「認証コード」(6桁の数字)をお知らせします。",
      "",
      ...codeFactsJa(facts, "パスワード変更の操作内容"),
      "",
      "パスワード変更画面の「認証コード」欄に上記の認証コードを入力してください。",
      "",
      "■ご自身がパスワード変更の操作をしていないのにこのメールが届いた場合",
      "第三者がお客さまの口座にログインしている可能性があります。このメールの認証コードは誰にも伝えないでください。",
      `${brand.name}のホームページからログインし、「ご利用中の端末」で心当たりのない端末をログアウトさせたうえ、`,
      "ログインパスワードを変更してください。身に覚えのない取引がある場合は、下記コールセンターまでご連絡ください。",
    ],
    en: [
      `Your ${brand.nameEn} code to change your login password`,
      "",
      ...codeFactsEn(facts),
      "",
      "Enter this code on the password change screen.",
      "",
      "If you did not ask to change your password, someone else may be logged in to your account. Do not give",
      "this code to anyone. Log in from our website, log out the devices you do not recognise under",
      "\"Devices in use\", and change your password. If you find trades you did not make, call the call center below.",
    ],
  };
}
