import type { Brand } from "../kernel/brand.ts";
import type { Notice } from "./notice.ts";
import { notYouLinesEn, notYouLinesJa, operationLinesEn, operationLinesJa } from "./notice.ts";
import type { RequestOrigin } from "../kernel/request-origin.ts";
import { callCenterActionLinesEn, callCenterActionLinesJa, ifNotRequestedEn, ifNotRequestedJa } from "./operator-notice.ts";

export function passkeyRequiredSubject(brand: Brand, on: boolean): string {
  return `【${brand.name}】${on ? "パスキー必須の設定" : "パスキー必須の解除"}のお知らせ`;
}

/** The customer turned パスキー必須 on or off themselves (issue 13 §3). */
export function passkeyRequiredNotice(brand: Brand, on: boolean, facts: RequestOrigin & { at: number }): Notice {
  return {
    subject: passkeyRequiredSubject(brand, on),
    ja: [
      `${brand.name}をご利用いただきありがとうございます。`,
      on
        ? "お客さまの口座を「パスキー必須」に設定しました。今後、ログインIDとパスワードでのログインはできず、パスキーでのみログインできます。"
        : "お客さまの口座の「パスキー必須」を解除しました。ログインIDとパスワード（と認証コード）でもログインできます。",
      "",
      ...operationLinesJa("設定の操作内容", facts.at, facts),
      "",
      ...notYouLinesJa(),
    ],
    en: [
      on ? "Your account now requires a passkey to log in" : "Your account no longer requires a passkey to log in",
      "",
      on ? "Logging in with your login ID and password is no longer possible; use your passkey." : "You can log in with your login ID and password (and the emailed code) again.",
      ...operationLinesEn("Changed at", facts.at, facts),
      "",
      ...notYouLinesEn(),
    ],
  };
}

/**
 * The call center turned パスキー必須 off (a lost phone), after checking the customer's identity:
 * the shared lines of every call-center action (operator-notice.ts), no network lines, no reason.
 */
export function passkeyRequiredOffByOperatorNotice(brand: Brand, facts: { at: number }): Notice {
  return {
    subject: passkeyRequiredSubject(brand, false),
    ja: [
      `${brand.name}をご利用いただきありがとうございます。`,
      "お客さまのお申し出により、口座の「パスキー必須」を解除しました。ログインIDとパスワード（と認証コード）でログインできます。",
      "紛失した端末のパスキーは、ログイン後にパスキーの管理画面から削除してください。",
      "",
      ...callCenterActionLinesJa("パスキー必須の解除", facts.at),
      "",
      ...ifNotRequestedJa(),
    ],
    en: [
      "At your request, \"passkey required\" has been turned off for your account",
      "",
      "You can log in with your login ID and password (and the emailed code). Remove the passkey of a lost",
      "device on the passkeys page after logging in.",
      ...callCenterActionLinesEn("Passkey required turned off", facts.at),
      "",
      ...ifNotRequestedEn(),
    ],
  };
}
