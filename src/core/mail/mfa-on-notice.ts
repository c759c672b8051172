import type { Brand } from "../kernel/brand.ts";
import type { Notice } from "./notice.ts";
import { callCenterActionLinesEn, callCenterActionLinesJa, ifNotRequestedEn, ifNotRequestedJa } from "./operator-notice.ts";

export function mfaOnSubject(brand: Brand): string {
  return `【${brand.name}】多要素認証設定のお知らせ`;
}

/** Sent when the call center turned MFA back on: from the next login, a code to the 重要メール. */
export function mfaOnNotice(brand: Brand, facts: { enabledAt: number }): Notice {
  return {
    subject: mfaOnSubject(brand),
    ja: [
      `${brand.name}をご利用いただきありがとうございます。`,
      "お客さまのお申し出により、コールセンターにてログイン時多要素認証を設定しました。",
      "次回のログインから、ログインID・ログインパスワードの入力後に「重要メール」へ「認証コード」（6桁の数字）をお送りします。認証コードを入力してログインしてください。",
      "",
      ...callCenterActionLinesJa("ログイン時多要素認証の設定", facts.enabledAt),
      "",
      ...ifNotRequestedJa(),
    ],
    en: [
      `Multi-factor authentication is on for your ${brand.nameEn} account`,
      "",
      "At your request, the call center has turned on multi-factor authentication. From your next login, a 6-digit code will be sent to your important-mail address after your login ID and password.",
      ...callCenterActionLinesEn("multi-factor authentication turned on", facts.enabledAt),
      "",
      ...ifNotRequestedEn(),
    ],
  };
}
