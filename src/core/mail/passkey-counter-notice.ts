import type { Brand } from "../kernel/brand.ts";
import type { Notice } from "./notice.ts";
import { operationLinesEn, operationLinesJa } from "./notice.ts";
import type { RequestOrigin } from "../kernel/request-origin.ts";
import { formatJapanTime, formatJapanTimeWithZone } from "../kernel/japan-time.ts";

export function passkeyCounterNoticeSubject(brand: Brand): string {
  return `【${brand.name}】パスキーのご利用に関するご注意`;
}

/**
 * Sent when a passkey's signature counter did not go up (WebAuthn §6.1.1: a sign of a cloned
 * authenticator). The use is not refused (a synced passkey may report odd counters), but the
 * customer is told which passkey (by when it was registered: the customer's own name for it is
 * text we do not put in mail, STYLE 21) and what to do if it was not them.
 */
export function passkeyCounterNotice(brand: Brand, facts: RequestOrigin & { at: number; passkeyCreatedAt: number }): Notice {
  return {
    subject: passkeyCounterNoticeSubject(brand),
    ja: [
      `${brand.name}をご利用いただきありがとうございます。`,
      `${formatJapanTime(facts.passkeyCreatedAt)}にご登録のパスキーが使われましたが、認証器の利用回数の記録が前回より進んでいませんでした。`,
      "パスキーが複製されている可能性があるため、お知らせします。",
      "",
      ...operationLinesJa("パスキーが使われた操作", facts.at, facts),
      "",
      "■お心当たりがない場合",
      "ログイン後、パスキーの管理画面でこのパスキーを削除し、ログインパスワードを変更してください。",
      "身に覚えのない取引がある場合は、下記コールセンターまでご連絡ください。",
    ],
    en: [
      `Your ${brand.nameEn} passkey registered ${formatJapanTimeWithZone(facts.passkeyCreatedAt)} was used, but its use counter did not go up`,
      "",
      "This can mean the passkey has been copied.",
      ...operationLinesEn("Used at", facts.at, facts),
      "",
      "If this was not you, log in, remove this passkey on the passkeys page and change your login password.",
      "If you find trades you did not make, call the call center below.",
    ],
  };
}
