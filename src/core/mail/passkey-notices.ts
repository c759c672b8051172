import type { Brand } from "../kernel/brand.ts";
import type { Notice } from "./notice.ts";
import { notYouLinesEn, notYouLinesJa, operationLinesEn, operationLinesJa } from "./notice.ts";
import type { RequestOrigin } from "../kernel/request-origin.ts";
import { formatJapanTime, formatJapanTimeWithZone } from "../kernel/japan-time.ts";

/**
 * The notices of a change to the customer's passkeys (issue 13 §1: every change mails a notice).
 * A passkey is named by when it was registered, never by the name the customer gave it: that is
 * text from a request, which no mail carries (STYLE 21).
 */
export type PasskeyChange = "registered" | "renamed" | "removed";

const WORDS: Record<PasskeyChange, { subject: string; ja: string; en: string; headingJa: string; atEn: string }> = {
  registered: { subject: "パスキー登録のお知らせ", ja: "お客さまの口座に新しいパスキーが登録されました。", en: "A new passkey has been registered to your account", headingJa: "登録の操作内容", atEn: "Registered at" },
  renamed: { subject: "パスキーの名前変更のお知らせ", ja: "お客さまのパスキーの名前が変更されました。", en: "The name of one of your passkeys has been changed", headingJa: "変更の操作内容", atEn: "Changed at" },
  removed: { subject: "パスキー削除のお知らせ", ja: "お客さまの口座からパスキーが削除されました。このパスキーではログインできなくなりました。", en: "A passkey has been removed from your account; it can no longer be used to log in", headingJa: "削除の操作内容", atEn: "Removed at" },
};

export function passkeyChangeSubject(brand: Brand, change: PasskeyChange): string {
  return `【${brand.name}】${WORDS[change].subject}`;
}

export function passkeyChangeNotice(brand: Brand, change: PasskeyChange, facts: RequestOrigin & { at: number; passkeyCreatedAt: number }): Notice {
  const words = WORDS[change];
  return {
    subject: passkeyChangeSubject(brand, change),
    ja: [
      `${brand.name}をご利用いただきありがとうございます。`,
      words.ja,
      `対象のパスキー: ${formatJapanTime(facts.passkeyCreatedAt)} 登録`,
      "",
      ...operationLinesJa(words.headingJa, facts.at, facts),
      "",
      ...notYouLinesJa(),
    ],
    en: [
      words.en,
      "",
      `Passkey registered: ${formatJapanTimeWithZone(facts.passkeyCreatedAt)}`,
      ...operationLinesEn(words.atEn, facts.at, facts),
      "",
      ...notYouLinesEn(),
    ],
  };
}
