import type { Brand } from "../kernel/brand.ts";
import type { Notice } from "./notice.ts";
import { callCenterActionLinesEn, callCenterActionLinesJa, ifNotRequestedEn, ifNotRequestedJa } from "./operator-notice.ts";

export function tradingPinUnlockedSubject(brand: Brand): string {
  return `【${brand.name}】取引暗証番号ロック解除のお知らせ`;
}

/** Sent when the call center lifted the trading PIN's lock: trades need the same PIN as before. */
export function tradingPinUnlockedNotice(brand: Brand, facts: { unlockedAt: number }): Notice {
  return {
    subject: tradingPinUnlockedSubject(brand),
    ja: [
      `${brand.name}をご利用いただきありがとうございます。`,
      "お客さまのお申し出により、コールセンターにて取引暗証番号のロックを解除しました。これまでの取引暗証番号で、再びお取引いただけます。",
      "",
      ...callCenterActionLinesJa("取引暗証番号ロックの解除", facts.unlockedAt),
      "",
      ...ifNotRequestedJa(),
    ],
    en: [
      `Your ${brand.nameEn} trading PIN has been unlocked`,
      "",
      "At your request, the call center has unlocked your trading PIN. You can trade again with the same PIN as before.",
      ...callCenterActionLinesEn("trading PIN unlocked", facts.unlockedAt),
      "",
      ...ifNotRequestedEn(),
    ],
  };
}
