import type { Brand } from "./brand.ts";
import type { Notice } from "./notice.ts";
import { callCenterActionLinesEn, callCenterActionLinesJa } from "./operator-notice.ts";

export function mfaOffRequestSubject(brand: Brand): string {
  return `【${brand.name}】多要素認証解除のお申し出受付のお知らせ`;
}

/**
 * Sent when an operator asked for MFA off (before any supervisor decides): MFA is still on.
 * If someone posed as the customer on the phone, this mail lets the real customer stop it
 * before a supervisor approves.
 */
export function mfaOffRequestNotice(brand: Brand, facts: { requestedAt: number }): Notice {
  return {
    subject: mfaOffRequestSubject(brand),
    ja: [
      `${brand.name}をご利用いただきありがとうございます。`,
      "お客さまのお申し出により、ログイン時多要素認証の解除を受け付けました。責任者の確認後に解除し、あらためてメールでお知らせします。それまでは多要素認証は有効です。",
      "",
      ...callCenterActionLinesJa("ログイン時多要素認証の解除のお申し出の受付", facts.requestedAt),
      "",
      "■お心当たりがない場合",
      "お客さまになりすました第三者によるお申し出の可能性があります。解除される前に、ただちに下記コールセンターまでご連絡ください。",
    ],
    en: [
      `We have received a request to turn off multi-factor authentication for your ${brand.nameEn} account`,
      "",
      "At your request, the call center has received a request to turn off multi-factor authentication. It stays on until a supervisor has approved; we will mail you again then.",
      ...callCenterActionLinesEn("request to turn off multi-factor authentication received", facts.requestedAt),
      "",
      "If you did not ask for this, someone may be posing as you: please call the call center below at once, before it is approved.",
    ],
  };
}
