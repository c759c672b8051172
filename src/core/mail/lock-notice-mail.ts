import type { Brand } from "../kernel/brand.ts";
import type { Notice } from "./notice.ts";
import { operationLinesEn, operationLinesJa } from "./notice.ts";
import type { RequestOrigin } from "../kernel/request-origin.ts";

export function lockNoticeSubject(brand: Brand): string {
  return `【${brand.name}】口座ロックのお知らせ`;
}

/** Where the failure that locked the account came from, and when. */
export interface LockNoticeFacts extends RequestOrigin {
  lockedAt: number;
}

/**
 * Sent once when repeated wrong passwords or codes lock the account: the
 * customer learns at once that someone may be guessing, and that only the call
 * center unlocks.
 */
export function lockNotice(brand: Brand, facts: LockNoticeFacts): Notice {
  return {
    subject: lockNoticeSubject(brand),
    ja: [
      `${brand.name}をご利用いただきありがとうございます。`,
      "ログインパスワードまたは認証コードの誤入力が続いたため、お客様の口座へのログインを停止(ロック)しました。",
      "",
      ...operationLinesJa("ロックの原因となったログイン操作", facts.lockedAt, facts),
      "",
      "ロックの解除は、ご本人確認のうえコールセンターで承ります。下記までご連絡ください。",
      "",
      "■ご自身の操作にお心当たりがない場合",
      "第三者がお客様のログインIDで不正ログインを試みた可能性があります。",
      "ロック解除後、ただちにログインパスワードを変更し、ログイン履歴に見覚えのないログインが無いことをご確認ください。",
    ],
    en: [
      `Your ${brand.nameEn} account has been locked`,
      "",
      "After repeated wrong passwords or authentication codes, logins to your account have been stopped.",
      ...operationLinesEn("Locked at", facts.lockedAt, facts),
      "",
      "Only the call center can unlock the account, after confirming your identity.",
      "If this was not you, someone may be trying to log in with your login ID: after the unlock, change your",
      "login password at once and check your login history.",
    ],
  };
}
