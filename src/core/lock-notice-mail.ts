import type { Brand } from "./brand.ts";
import { mailFooterEn, mailFooterJa } from "./mail-footer.ts";
import { formatJapanTime, formatJapanTimeWithZone } from "./japan-time.ts";

export function lockNoticeSubject(brand: Brand): string {
  return `【${brand.name}】口座ロックのお知らせ`;
}

export interface LockNoticeFacts {
  customerName: string;
  lockedAt: number;
  /** Where the failure that locked the account came from. */
  ip: string;
  device: string;
}

/**
 * Sent once when repeated wrong passwords or codes lock the account: the
 * customer learns at once that someone may be guessing, and that only the call
 * center unlocks. Like the code mail it has no links at all, so it cannot be
 * told apart from a phishing copy by anything but the fact that ours never link.
 */
export function lockNoticeBody(brand: Brand, facts: LockNoticeFacts): string {
  return [
    `${facts.customerName} 様`,
    "",
    `${brand.name}をご利用いただきありがとうございます。`,
    "ログインパスワードまたは認証コードの誤入力が続いたため、お客様の口座へのログインを停止(ロック)しました。",
    "",
    "[ロックの原因となったログイン操作]",
    `日時: ${formatJapanTime(facts.lockedAt)}`,
    `IPアドレス: ${facts.ip}`,
    `ご利用環境: ${facts.device}`,
    "",
    "ロックの解除は、ご本人確認のうえコールセンターで承ります。下記までご連絡ください。",
    "",
    "■ご自身の操作にお心当たりがない場合",
    "第三者がお客様のログインIDで不正ログインを試みた可能性があります。",
    "ロック解除後、ただちにログインパスワードを変更し、ログイン履歴に見覚えのないログインが無いことをご確認ください。",
    "",
    ...mailFooterJa(brand),
    `Your ${brand.nameEn} account has been locked`,
    "",
    "After repeated wrong passwords or authentication codes, logins to your account have been stopped.",
    `Locked at: ${formatJapanTimeWithZone(facts.lockedAt)}`,
    `IP address: ${facts.ip}`,
    `Device: ${facts.device}`,
    "",
    "Only the call center can unlock the account, after confirming your identity.",
    "If this was not you, someone may be trying to log in with your login ID: after the unlock, change your",
    "login password at once and check your login history.",
    ...mailFooterEn(brand),
  ].join("\n");
}
