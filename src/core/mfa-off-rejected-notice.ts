import type { Brand } from "./brand.ts";
import type { Notice } from "./notice.ts";
import { callCenterActionLinesEn, callCenterActionLinesJa } from "./operator-notice.ts";

export function mfaOffRejectedSubject(brand: Brand): string {
  return `【${brand.name}】多要素認証解除のお申し出についてのお知らせ`;
}

/** Sent when a supervisor rejected an MFA-off request: MFA stays on. The supervisor's reason stays internal. */
export function mfaOffRejectedNotice(brand: Brand, facts: { rejectedAt: number }): Notice {
  return {
    subject: mfaOffRejectedSubject(brand),
    ja: [
      `${brand.name}をご利用いただきありがとうございます。`,
      "お申し出いただいたログイン時多要素認証の解除は、行いませんでした。多要素認証は引き続き有効です。ログイン時には、これまでどおり「重要メール」へお送りする認証コードを入力してください。",
      "ご不明な点は、下記コールセンターまでお問い合わせください。",
      "",
      ...callCenterActionLinesJa("ログイン時多要素認証の解除のお申し出（解除せず）", facts.rejectedAt),
    ],
    en: [
      `Multi-factor authentication stays on for your ${brand.nameEn} account`,
      "",
      "The request to turn off multi-factor authentication was not carried out. Please keep entering the code we mail to your important-mail address when you log in.",
      "For any questions, please call the call center below.",
      ...callCenterActionLinesEn("request to turn off multi-factor authentication not carried out", facts.rejectedAt),
    ],
  };
}
