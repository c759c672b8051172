import type { Brand } from "../kernel/brand.ts";
import type { MailKind, OutboxMail } from "../kernel/ports.ts";
import type { RequestOrigin } from "../kernel/request-origin.ts";
import { formatJapanTime, formatJapanTimeWithZone } from "../kernel/japan-time.ts";

/**
 * What every mail to a customer is made of: a subject, the Japanese text and the
 * English text. The greeting and the shared footer (we never link, no replies, the
 * call center) are added by `noticeMail`, so a new notice is only its own lines.
 * Plain text with no links at all (FSA / JSDA 2025: phishing mails imitate
 * brokerages' links), and nothing from the request but validated values (STYLE 21).
 */
export interface Notice {
  subject: string;
  /** Japanese lines, after 「NAME 様」 (or 「お客さま」) and before the footer. */
  ja: string[];
  /** English lines, after the [English] divider. */
  en: string[];
}

export interface NoticeRecipient {
  /** The customer's name for 「NAME 様」; left out for an address not yet verified, which is greeted 「お客さま」 and learns no name. */
  name?: string;
  email: string;
  /** The customer's row ID when the recipient is a customer (a `Customer` has it): kept with the mail for the console. */
  id?: string;
}

/**
 * The mail for the outbox: greeting, Japanese, footer, English, footer. `kind` is "notice"
 * unless said otherwise; code mails say "code", so the console can show their delivery.
 */
export function noticeMail(brand: Brand, recipient: NoticeRecipient, notice: Notice, mail: { id: string; createdAt: number; kind?: MailKind }): OutboxMail {
  return {
    id: mail.id,
    recipient: recipient.email,
    subject: notice.subject,
    body: noticeBody(brand, recipient.name, notice),
    createdAt: mail.createdAt,
    ...(recipient.id === undefined ? {} : { customerId: recipient.id }),
    kind: mail.kind ?? "notice",
  };
}

export function noticeBody(brand: Brand, customerName: string | undefined, notice: Notice): string {
  const greeting = customerName === undefined ? "お客さま" : `${customerName} 様`;
  return [greeting, "", ...notice.ja, "", ...mailFooterJa(brand), ...notice.en, ...mailFooterEn(brand)].join("\n");
}

/** "[heading]", when, from which IP and device: the block every notice about an operation carries (Japanese). */
export function operationLinesJa(heading: string, at: number, origin: RequestOrigin): string[] {
  return [`[${heading}]`, `日時: ${formatJapanTime(at)}`, `IPアドレス: ${origin.ip}`, `ご利用環境: ${origin.device}`];
}

/** The same block in English, "`label`: time". */
export function operationLinesEn(label: string, at: number, origin: RequestOrigin): string[] {
  return [`${label}: ${formatJapanTimeWithZone(at)}`, `IP address: ${origin.ip}`, `Device: ${origin.device}`];
}

/** 「お心当たりがない場合」 after a change made from the customer's own login: someone else may be in the account. */
export function notYouLinesJa(): string[] {
  return ["■お心当たりがない場合", "第三者がお客さまの口座を操作した可能性があります。ただちに下記コールセンターまでご連絡ください。"];
}

/** The same in English. */
export function notYouLinesEn(): string[] {
  return ["If this was not you, someone else may have access to your account: please call the call center below at once."];
}

/**
 * The closing lines every mail to a customer shares: we never link, this address
 * takes no replies, and how to reach the call center. Japanese, then the divider
 * that opens the English part.
 */
export function mailFooterJa(brand: Brand): string[] {
  return [
    `※${brand.name}がメールでリンクをお送りし、パスワードや認証コードの入力をお願いすることはありません。`,
    "※このメールは送信専用です。ご返信いただいてもお答えできません。",
    "",
    "[お問い合わせ先] コールセンター",
    brand.callCenterName,
    `(フリーダイヤル) ${brand.callCenterPhone}`,
    `受付時間 ${brand.callCenterHours}`,
    "",
    "----------------------------------------",
    "[English]",
  ];
}

/** The English part's closing lines. */
export function mailFooterEn(brand: Brand): string[] {
  return [`${brand.nameEn} never sends links asking for your password or code.`, "", `Call center: ${brand.callCenterPhone} (toll-free in Japan), ${brand.callCenterHoursEn}`, ""];
}
