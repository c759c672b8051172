import type { Brand } from "../kernel/brand.ts";
import type { Notice } from "./notice.ts";
import type { RequestOrigin } from "../kernel/request-origin.ts";
import { formatJapanTime, formatJapanTimeWithZone } from "../kernel/japan-time.ts";
import { originInWords } from "../kernel/device-label.ts";

/** Lines in both languages: a block that notices share, or a notice's own paragraph. */
export interface Lines {
  ja: readonly string[];
  en: readonly string[];
}

/**
 * A notice's own words around its facts. Every notice is laid out alike: the thanks, its lines,
 * the facts, then what to do; in English a title, its lines, the facts, then what to do.
 */
export interface NoticeText {
  /** The subject after 【brand】. */
  subject: string;
  /** Japanese, between the thanks and the facts (a blank line before the facts is added). */
  ja: readonly string[];
  /** The English part's first line (a blank line follows). */
  titleEn: string;
  /** English, between the title and the facts (nothing is added between them). */
  en: readonly string[];
  /** Which operation, when and from where; the call center's action; or the code and its limit. */
  facts: Lines;
  /** After the facts and a blank line (nothing when empty): what to do, and what if it was not the customer. */
  after: Lines;
}

/** A notice's text in each kind's own facts: the tables of notice-kinds.ts are made of these. */
export type NoticeTexts<Facts> = { [K in keyof Facts]: (brand: Brand, facts: Facts[K]) => NoticeText };

export function composeNotice(brand: Brand, text: NoticeText): Notice {
  return {
    subject: `【${brand.name}】${text.subject}`,
    ja: [`${brand.name}をご利用いただきありがとうございます。`, ...text.ja, "", ...text.facts.ja, ...paragraph(text.after.ja)],
    en: [text.titleEn, "", ...text.en, ...text.facts.en, ...paragraph(text.after.en)],
  };
}

function paragraph(lines: readonly string[]): string[] {
  return lines.length === 0 ? [] : ["", ...lines];
}

/** An operation of the customer's: when, and from which IP and device (validated values only, STYLE 21). */
export type OperationFacts = RequestOrigin & { at: number };

/** An IP address or device as each part of a mail writes it: 「不明」 in Japanese, "unknown" in English when not known. */
const originJa = (value: string): string => originInWords(value, "ja");
const originEn = (value: string): string => originInWords(value, "en");

/** "[heading]", when, from which IP and device; in English "`labelEn`: time". */
export function operationLines(heading: string, labelEn: string, facts: OperationFacts): Lines {
  return {
    ja: [`[${heading}]`, `日時: ${formatJapanTime(facts.at)}`, `IPアドレス: ${originJa(facts.ip)}`, `ご利用環境: ${originJa(facts.device)}`],
    en: [`${labelEn}: ${formatJapanTimeWithZone(facts.at)}`, `IP address: ${originEn(facts.ip)}`, `Device: ${originEn(facts.device)}`],
  };
}

/**
 * Which action the call center took and when (issue 12 §4). Never the operator's name, an
 * address or the operator's reason (free text a customer's mail must not carry: STYLE 21), and
 * not the operator's network or device: they are not the customer's.
 */
export function callCenterActionLines(action: string, actionEn: string, at: number): Lines {
  return {
    ja: ["[お手続きの内容]", `お手続き: ${action}（コールセンター）`, `日時: ${formatJapanTime(at)}`],
    en: [`Action: ${actionEn} (by the call center)`, `Date and time: ${formatJapanTimeWithZone(at)}`],
  };
}

/** 「お心当たりがない場合」 after a change made from the customer's own login: someone else may be in the account. */
export const NOT_YOU: Lines = {
  ja: ["■お心当たりがない場合", "第三者がお客さまの口座を操作した可能性があります。ただちに下記コールセンターまでご連絡ください。"],
  en: ["If this was not you, someone else may have access to your account: please call the call center below at once."],
};

/** 「お心当たりがない場合」 after a call-center action: the customer did not ask, so someone may be posing as them. */
export const IF_NOT_REQUESTED: Lines = {
  ja: ["■お心当たりがない場合", "お客さまになりすました第三者によるお申し出の可能性があります。ただちに下記コールセンターまでご連絡ください。"],
  en: ["If you did not ask for this, someone may be posing as you: please call the call center below at once."],
};

export interface CodeMailFacts extends RequestOrigin {
  code: string;
  sentAt: number;
  expiresAt: number;
  ttlMinutes: number;
}

/** The code, its limit and the request that asked for it, as every code mail states them. */
export function codeLines(heading: string, facts: CodeMailFacts): Lines {
  return {
    ja: [
      `認証コード: ${facts.code}`,
      `有効期限: ${formatJapanTime(facts.expiresAt)} まで（メール送信から${facts.ttlMinutes}分間）`,
      "",
      `[${heading}]`,
      `送信日時: ${formatJapanTime(facts.sentAt)}`,
      `IPアドレス: ${originJa(facts.ip)}`,
      `ご利用環境: ${originJa(facts.device)}`,
    ],
    en: [
      `Code: ${facts.code}`,
      `Valid until: ${formatJapanTimeWithZone(facts.expiresAt)} (${facts.ttlMinutes} minutes from sending)`,
      "",
      `Requested at: ${formatJapanTimeWithZone(facts.sentAt)}`,
      `IP address: ${originEn(facts.ip)}`,
      `Device: ${originEn(facts.device)}`,
    ],
  };
}
