import type { Brand } from "../kernel/brand.ts";
import type { Notice } from "./notice.ts";
import { callCenterActionLinesEn, callCenterActionLinesJa, ifNotRequestedEn, ifNotRequestedJa } from "./operator-notice.ts";

export function emailChangeNewAddressSubject(brand: Brand): string {
  return `【${brand.name}】重要メール登録のお知らせ`;
}

/** Sent to the NEW 重要メール when the call center changed it (seed Q3-④); it names no address, the old one least of all. */
export function emailChangeNewAddressNotice(brand: Brand, facts: { changedAt: number }): Notice {
  return {
    subject: emailChangeNewAddressSubject(brand),
    ja: [
      `${brand.name}をご利用いただきありがとうございます。`,
      "お客さまのお申し出により、コールセンターにてこのメールアドレスを「重要メール」に登録しました。今後、ログイン時の認証コードやお知らせは、このメールアドレスにお送りします。",
      "安全のため、すべての端末のログインを終了しました。お手数ですが、もう一度ログインしてください。",
      "",
      ...callCenterActionLinesJa("重要メールの変更", facts.changedAt),
      "",
      ...ifNotRequestedJa(),
    ],
    en: [
      `This address is now the important-mail address of your ${brand.nameEn} account`,
      "",
      "At your request, the call center has registered this address for your codes and notices. Codes for logging in will be sent here from now on.",
      "For your safety, every login has been ended: please log in again.",
      ...callCenterActionLinesEn("important-mail address changed", facts.changedAt),
      "",
      ...ifNotRequestedEn(),
    ],
  };
}
