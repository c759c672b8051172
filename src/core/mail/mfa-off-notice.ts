import type { Brand } from "../kernel/brand.ts";
import type { Notice } from "./notice.ts";
import { callCenterActionLinesEn, callCenterActionLinesJa, ifNotRequestedEn, ifNotRequestedJa } from "./operator-notice.ts";

export function mfaOffSubject(brand: Brand): string {
  return `【${brand.name}】多要素認証解除のお知らせ`;
}

/**
 * Sent when a supervisor approved turning MFA off (seed Q7): what it means (anyone who has
 * the password can log in), that the seed strongly recommends MFA, and that the call center
 * turns it back on whenever the customer asks (with the number, hours included).
 */
export function mfaOffNotice(brand: Brand, facts: { disabledAt: number }): Notice {
  const callCenter = `${brand.callCenterPhone}　${brand.callCenterHours}`;
  return {
    subject: mfaOffSubject(brand),
    ja: [
      `${brand.name}をご利用いただきありがとうございます。`,
      "お客さまのお申し出により、コールセンターにてログイン時多要素認証を解除しました。次回のログインから、認証コードの入力は不要になります。",
      "",
      ...callCenterActionLinesJa("ログイン時多要素認証の解除", facts.disabledAt),
      "",
      "■解除後のご注意",
      "多要素認証を解除すると、ログインIDとログインパスワードを知っている人は、誰でもお客さまの口座にログインできるようになります。",
      `${brand.name}では不正アクセス防止のため、多要素認証の設定を強くお勧めしています。解除後は十分ご注意ください。`,
      `多要素認証は、コールセンター（${callCenter}）へご連絡いただければ、いつでも再び設定できます。`,
      "",
      ...ifNotRequestedJa(),
    ],
    en: [
      `Multi-factor authentication is off for your ${brand.nameEn} account`,
      "",
      "At your request, the call center has turned off multi-factor authentication. From your next login, no code will be asked for.",
      ...callCenterActionLinesEn("multi-factor authentication turned off", facts.disabledAt),
      "",
      "Please be careful: without it, anyone who knows your login ID and password can log in to your account.",
      `${brand.nameEn} strongly recommends multi-factor authentication against unauthorized access. To turn it back on at any time, call the call center (${brand.callCenterPhone}, ${brand.callCenterHoursEn}).`,
      "",
      ...ifNotRequestedEn(),
    ],
  };
}
