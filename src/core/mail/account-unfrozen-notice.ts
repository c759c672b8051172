import type { Brand } from "../kernel/brand.ts";
import type { Notice } from "./notice.ts";
import { callCenterActionLinesEn, callCenterActionLinesJa, ifNotRequestedEn, ifNotRequestedJa } from "./operator-notice.ts";

export function accountUnfrozenSubject(brand: Brand): string {
  return `【${brand.name}】ログイン再開（凍結解除）のお知らせ`;
}

/** Sent when the call center lifted the customer's own freeze (issue 11) after an identity check. */
export function accountUnfrozenNotice(brand: Brand, facts: { unfrozenAt: number }): Notice {
  return {
    subject: accountUnfrozenSubject(brand),
    ja: [
      `${brand.name}をご利用いただきありがとうございます。`,
      "お客さまのお申し出により、ご本人確認のうえ、コールセンターにて口座の凍結を解除しました。ログインID・ログインパスワードで、再びログインいただけます。",
      "",
      ...callCenterActionLinesJa("口座の凍結解除（ログイン再開）", facts.unfrozenAt),
      "",
      ...ifNotRequestedJa(),
    ],
    en: [
      `Logins to your ${brand.nameEn} account have been reopened`,
      "",
      "At your request and after confirming your identity, the call center has lifted the freeze on your account. You can log in again with your login ID and password.",
      ...callCenterActionLinesEn("freeze lifted, logins reopened", facts.unfrozenAt),
      "",
      ...ifNotRequestedEn(),
    ],
  };
}
