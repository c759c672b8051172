import type { Brand } from "../kernel/brand.ts";
import type { Notice } from "./notice.ts";
import { operationLinesEn, operationLinesJa } from "./notice.ts";
import type { RequestOrigin } from "../kernel/request-origin.ts";

export function loginNoticeSubject(brand: Brand): string {
  return `【${brand.name}】ログインのお知らせ`;
}

/** Sent after a completed login (JSDA 2025 asks brokerages to notify logins); louder for a new device. */
export function loginNotice(brand: Brand, facts: RequestOrigin & { at: number; newDevice: boolean }): Notice {
  return {
    subject: loginNoticeSubject(brand),
    ja: [
      `${brand.name}をご利用いただきありがとうございます。`,
      facts.newDevice ? "これまでにご利用のない端末から、お客さまの口座にログインがありました。" : "お客さまの口座にログインがありました。",
      "",
      ...operationLinesJa("ログインの内容", facts.at, facts),
      "",
      "■お心当たりがない場合",
      "第三者がお客さまの口座にログインした可能性があります。ただちにログインパスワードを変更し、",
      "「ご利用中の端末」で心当たりのない端末をログアウトさせたうえ、下記コールセンターまでご連絡ください。",
      ...(facts.newDevice ? [] : ["", "ログインのたびのお知らせは、マイページの「お知らせ設定」で停止できます(新しい端末からのログインは常にお知らせします)。"]),
    ],
    en: [
      facts.newDevice ? `A login to your ${brand.nameEn} account from a device not seen before` : `A login to your ${brand.nameEn} account`,
      "",
      ...operationLinesEn("Logged in at", facts.at, facts),
      "",
      "If this was not you, change your password at once, log out the devices you do not recognise under",
      "\"Devices in use\", and call the call center below.",
    ],
  };
}
