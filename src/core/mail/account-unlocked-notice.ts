import type { Brand } from "../kernel/brand.ts";
import type { Notice } from "./notice.ts";
import { callCenterActionLinesEn, callCenterActionLinesJa, ifNotRequestedEn, ifNotRequestedJa } from "./operator-notice.ts";

export function accountUnlockedSubject(brand: Brand): string {
  return `【${brand.name}】口座ロック解除のお知らせ`;
}

/** Sent when the call center unlocked a locked account: the customer can log in again. */
export function accountUnlockedNotice(brand: Brand, facts: { unlockedAt: number }): Notice {
  return {
    subject: accountUnlockedSubject(brand),
    ja: [
      `${brand.name}をご利用いただきありがとうございます。`,
      "お客さまのお申し出により、コールセンターにて口座のロックを解除しました。ログインID・ログインパスワードで、再びログインいただけます。",
      "",
      ...callCenterActionLinesJa("口座ロックの解除", facts.unlockedAt),
      "",
      ...ifNotRequestedJa(),
    ],
    en: [
      `Your ${brand.nameEn} account has been unlocked`,
      "",
      "At your request, the call center has unlocked your account. You can log in again with your login ID and password.",
      ...callCenterActionLinesEn("account unlocked", facts.unlockedAt),
      "",
      ...ifNotRequestedEn(),
    ],
  };
}
