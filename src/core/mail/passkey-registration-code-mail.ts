import type { Brand } from "../kernel/brand.ts";
import type { Notice } from "./notice.ts";
import type { CodeMailFacts } from "./code-mail.ts";
import { codeFactsEn, codeFactsJa, codeMailSubject } from "./code-mail.ts";

/**
 * The code for registering a passkey (issue 13 §1): the subject customers are told to expect,
 * and the text says what the code is for, so a code for a registration the customer did not
 * start is read as the warning it is (someone with the session wants a passkey of their own).
 */
export function passkeyRegistrationCodeNotice(brand: Brand, facts: CodeMailFacts): Notice {
  return {
    subject: codeMailSubject(brand),
    ja: [
      `${brand.name}をご利用いただきありがとうございます。`,
      "パスキー登録のための「認証コード」(6桁の数字)をお知らせします。",
      "",
      ...codeFactsJa(facts, "パスキー登録の操作内容"),
      "",
      "パスキー登録画面の「認証コード」欄に上記の認証コードを入力してください。",
      "",
      "■ご自身がパスキー登録の操作をしていないのにこのメールが届いた場合",
      "第三者がお客さまの口座にログインし、自分のパスキーを登録しようとしている可能性があります。",
      "このメールの認証コードは誰にも伝えないでください。",
      `${brand.name}のホームページからログインし、「ご利用中の端末」で心当たりのない端末をログアウトさせたうえ、`,
      "ログインパスワードを変更してください。身に覚えのない取引がある場合は、下記コールセンターまでご連絡ください。",
    ],
    en: [
      `Your ${brand.nameEn} code to register a passkey`,
      "",
      ...codeFactsEn(facts),
      "",
      "Enter this code on the passkey registration screen.",
      "",
      "If you did not ask to register a passkey, someone else may be logged in to your account and trying to add",
      "a passkey of their own. Do not give this code to anyone. Log in from our website, log out the devices you",
      "do not recognise under \"Devices in use\", and change your password. If you find trades you did not make,",
      "call the call center below.",
    ],
  };
}
