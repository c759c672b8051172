import type { Brand } from "../kernel/brand.ts";
import type { MailKind, OutboxMail } from "../kernel/ports.ts";

/**
 * What every mail to a customer is made of: a subject, the Japanese text and the
 * English text. The greeting and the shared footer (we never link, no replies, the
 * call center) are added by `noticeMail`; the lines of each kind of notice are built by
 * `buildNotice` (notice-kinds.ts) from its table.
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
  return [greeting, "", ...notice.ja, "", ...mailFooterJa(brand), ...notice.en, "", ...mailFooterEn(brand)].join("\n");
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
    `（フリーダイヤル）${brand.callCenterPhone}`,
    `受付時間 ${fullWidthBrackets(brand.callCenterHours)}`,
    "",
    "----------------------------------------",
    "[English]",
  ];
}

/** The English part's closing lines (a blank line before them is the body's). */
export function mailFooterEn(brand: Brand): string[] {
  return [`${brand.nameEn} never sends links asking for your password or code.`, "", `Contact: ${brand.callCenterNameEn}, ${brand.callCenterPhone} (toll-free in Japan), ${brand.callCenterHoursEn}`, ""];
}

/** Japanese text takes full-width brackets: the configured hours may be written with ASCII ones (as views/hours.eta does for the pages). */
export function fullWidthBrackets(text: string): string {
  return text.replaceAll("(", "（").replaceAll(")", "）");
}
