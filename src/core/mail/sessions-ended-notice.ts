import type { Brand } from "../kernel/brand.ts";
import type { Notice } from "./notice.ts";
import { callCenterActionLinesEn, callCenterActionLinesJa, ifNotRequestedEn, ifNotRequestedJa } from "./operator-notice.ts";

export function sessionsEndedSubject(brand: Brand): string {
  return `【${brand.name}】ログイン終了のお知らせ`;
}

/** Sent when the call center ended every session of the customer (a phone lost, a PC left logged in). */
export function sessionsEndedNotice(brand: Brand, facts: { endedAt: number }): Notice {
  return {
    subject: sessionsEndedSubject(brand),
    ja: [
      `${brand.name}をご利用いただきありがとうございます。`,
      "お客さまのお申し出により、コールセンターにてご利用中のすべての端末のログインを終了しました。引き続きご利用の場合は、もう一度ログインしてください。",
      "",
      ...callCenterActionLinesJa("すべての端末のログイン終了", facts.endedAt),
      "",
      ...ifNotRequestedJa(),
    ],
    en: [
      `Every login to your ${brand.nameEn} account has been ended`,
      "",
      "At your request, the call center has ended every login to your account. Please log in again to continue.",
      ...callCenterActionLinesEn("every login ended", facts.endedAt),
      "",
      ...ifNotRequestedEn(),
    ],
  };
}
