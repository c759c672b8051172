import type { Brand } from "../kernel/brand.ts";
import type { Notice } from "./notice.ts";
import { callCenterActionLinesEn, callCenterActionLinesJa, ifNotRequestedEn, ifNotRequestedJa } from "./operator-notice.ts";

export function emailChangeOldAddressSubject(brand: Brand): string {
  return `【${brand.name}】重要メール変更のお知らせ`;
}

/**
 * Sent to the OLD 重要メール when the call center changed it (seed Q3-④). It names no address:
 * this mailbox must not learn the new one. If the customer did not ask, someone who posed as
 * them now receives their codes, so the mail says to call at once.
 */
export function emailChangeOldAddressNotice(brand: Brand, facts: { changedAt: number }): Notice {
  return {
    subject: emailChangeOldAddressSubject(brand),
    ja: [
      `${brand.name}をご利用いただきありがとうございます。`,
      "お客さまのお申し出により、コールセンターにて「重要メール」（認証コードやお知らせの送信先）を別のメールアドレスに変更しました。今後、このメールアドレスには認証コードやお知らせをお送りしません。",
      "安全のため、すべての端末のログインを終了し、送信済みの認証コードは無効にしました。",
      "",
      ...callCenterActionLinesJa("重要メールの変更", facts.changedAt),
      "",
      ...ifNotRequestedJa(),
    ],
    en: [
      `The important-mail address of your ${brand.nameEn} account has been changed`,
      "",
      "At your request, the call center has changed the address your codes and notices go to. Codes and notices will no longer be sent to this address.",
      "For your safety, every login has been ended and the codes already sent no longer work.",
      ...callCenterActionLinesEn("important-mail address changed", facts.changedAt),
      "",
      ...ifNotRequestedEn(),
    ],
  };
}
