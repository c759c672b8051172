import type { Brand } from "../kernel/brand.ts";
import type { Notice } from "./notice.ts";
import type { CodeMailFacts } from "./code-mail.ts";
import { codeFactsEn, codeFactsJa, codeMailSubject } from "./code-mail.ts";

/**
 * The code that confirms an operation for the trading site (issue 13 §5: a withdrawal or a
 * change of the withdrawal account, PIN + code as the interim alternative to a passkey). The
 * subject customers are told to expect; the body names the operation, so a code for an
 * operation the customer did not start is recognised, and is never typed in.
 */
/** The operation as the code mail words it: Japanese, English, and how many items were left out. */
export interface OperationMailLines {
  ja: string;
  en: string;
  omitted: number;
}

export function confirmationCodeNotice(brand: Brand, facts: CodeMailFacts & { summary: OperationMailLines }): Notice {
  const { summary } = facts;
  const omittedJa = summary.omitted === 0 ? [] : [`(ほか${summary.omitted}項目。内容はご利用中の画面でご確認ください)`];
  const omittedEn = summary.omitted === 0 ? [] : [`(and ${summary.omitted} more ${summary.omitted === 1 ? "item" : "items"}: see the screen you are using)`];
  return {
    subject: codeMailSubject(brand),
    ja: [
      `${brand.name}をご利用いただきありがとうございます。`,
      "次のお取引・お手続きを確認するための「認証コード」(6桁の数字)をお知らせします。",
      "",
      `ご確認いただく操作: ${summary.ja}`,
      ...omittedJa,
      "",
      ...codeFactsJa(facts, "確認の操作内容"),
      "",
      "内容に間違いがなければ、確認画面の「認証コード」欄に上記の認証コードを入力してください。",
      "",
      "■この操作に心当たりがない場合",
      "第三者がお客さまの口座にログインしている可能性があります。このメールの認証コードは誰にも伝えず、入力しないでください。",
      `${brand.name}のホームページからログインし、「ご利用中の端末」で心当たりのない端末をログアウトさせたうえ、`,
      "ログインパスワードを変更し、下記コールセンターまでご連絡ください。",
    ],
    en: [
      `Your ${brand.nameEn} code to confirm an operation`,
      "",
      `Operation: ${summary.en}`,
      ...omittedEn,
      "",
      ...codeFactsEn(facts),
      "",
      "If the operation is right, enter this code on the confirmation screen.",
      "",
      "If you did not start this operation, someone else may be logged in to your account. Do not give this",
      "code to anyone and do not enter it. Log in from our website, log out the devices you do not recognise",
      "under \"Devices in use\", change your password and call the call center below.",
    ],
  };
}
