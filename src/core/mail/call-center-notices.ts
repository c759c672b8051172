import type { NoticeTexts } from "./notice-blocks.ts";
import { IF_NOT_REQUESTED, callCenterActionLines } from "./notice-blocks.ts";
import { formatJapanTime, formatJapanTimeWithZone } from "../kernel/japan-time.ts";
import { fullWidthBrackets } from "./notice.ts";

/** What a security request would weaken (issue 17: the console's requests, worded here for their mails). */
export type SecurityRequestKind = "mfa_off" | "email_change" | "passkey_required_off";

/**
 * The notices of what the call center did at the customer's request (issue 12 §4, issue 17):
 * the action and when, then whom to call if the customer did not ask (someone may be posing as
 * them). Never an address (the old mailbox must not learn the new one), never the operator's
 * name or reason, never the operator's network or device.
 */
export interface CallCenterKinds {
  "account-unlocked": { at: number };
  /** The customer's own freeze (issue 11) lifted after an identity check. */
  "account-unfrozen": { at: number };
  /** Every session ended (a phone lost, a PC left logged in). */
  "sessions-ended": { at: number };
  /** From the next login, a code to the 重要メール. */
  "mfa-on": { at: number };
  /** A supervisor approved turning MFA off (seed Q7): what it means, and that the call center turns it back on any time. */
  "mfa-off": { at: number };
  /** To the OLD 重要メール (seed Q3-④): if the customer did not ask, someone else now receives their codes. */
  "email-changed-old-address": { at: number };
  /** To the NEW 重要メール. */
  "email-changed-new-address": { at: number };
  /** パスキー必須 off (a lost phone), after checking the customer's identity. */
  "passkey-required-off-by-call-center": { at: number };
  /** The trading PIN's lock lifted: trades need the same PIN as before. */
  "trading-pin-unlocked": { at: number };
  /**
   * A connected service's connection ended by the call center (issue 20 item 8): that service is
   * logged out, okb-login's own logins go on. `clientName` is the name the brokerage registered
   * for the client (`client add --name`), never text from a request.
   */
  "connection-revoked": { at: number; clientName: string };
  /** As soon as an operator asks: nothing changed yet, when it could at the earliest, and how to stop it. */
  "security-request-received": { request: SecurityRequestKind; at: number; delayHours: number };
  /** A supervisor approved and the change waits until `effectiveAt`. */
  "security-request-approved": { request: SecurityRequestKind; at: number; effectiveAt: number };
  /** Rejected or cancelled: nothing changed. */
  "security-request-closed": { request: SecurityRequestKind; at: number };
}

/** What each kind of request changes, as the customer's mails name it. */
const REQUEST_WORDS: Record<SecurityRequestKind, { subject: string; ja: string; en: string; stillJa: string; stillEn: string }> = {
  mfa_off: {
    subject: "多要素認証解除",
    ja: "ログイン時多要素認証の解除",
    en: "turning off multi-factor authentication",
    stillJa: "それまでは多要素認証は有効です。",
    stillEn: "Multi-factor authentication stays on until then.",
  },
  email_change: {
    subject: "重要メール変更",
    ja: "重要メール（ご登録のメールアドレス）の変更",
    en: "changing your registered e-mail address",
    stillJa: "それまでは、このメールアドレスが引き続き重要メールです。",
    stillEn: "This address stays your registered address until then.",
  },
  passkey_required_off: {
    subject: "パスキー必須解除",
    ja: "「パスキー必須」の解除",
    en: 'turning off "passkey required"',
    stillJa: "それまでは「パスキー必須」は有効です。",
    stillEn: '"Passkey required" stays on until then.',
  },
};

const POSING_JA = "お客さまになりすました第三者によるお申し出の可能性があります。";

export const CALL_CENTER_ACTIONS: NoticeTexts<CallCenterKinds> = {
  "account-unlocked": (brand, { at }) => ({
    subject: "口座ロック解除のお知らせ",
    ja: ["お客さまのお申し出により、コールセンターにて口座のロックを解除しました。ログインID・ログインパスワードで、再びログインいただけます。"],
    titleEn: `Your ${brand.nameEn} account has been unlocked`,
    en: ["At your request, the call center has unlocked your account. You can log in again with your login ID and password."],
    facts: callCenterActionLines("口座ロックの解除", "account unlocked", at),
    after: IF_NOT_REQUESTED,
  }),
  "account-unfrozen": (brand, { at }) => ({
    subject: "ログイン再開（凍結解除）のお知らせ",
    ja: ["お客さまのお申し出により、ご本人確認のうえ、コールセンターにて口座の凍結を解除しました。ログインID・ログインパスワードで、再びログインいただけます。"],
    titleEn: `Logins to your ${brand.nameEn} account have been reopened`,
    en: ["At your request and after confirming your identity, the call center has lifted the freeze on your account. You can log in again with your login ID and password."],
    facts: callCenterActionLines("口座の凍結解除とログインの再開", "freeze lifted, logins reopened", at),
    after: IF_NOT_REQUESTED,
  }),
  "sessions-ended": (brand, { at }) => ({
    subject: "ログイン終了のお知らせ",
    ja: ["お客さまのお申し出により、コールセンターにてご利用中のすべての端末のログインを終了しました。引き続きご利用の場合は、もう一度ログインしてください。"],
    titleEn: `Every login to your ${brand.nameEn} account has been ended`,
    en: ["At your request, the call center has ended every login to your account. Please log in again to continue."],
    facts: callCenterActionLines("すべての端末のログイン終了", "every login ended", at),
    after: IF_NOT_REQUESTED,
  }),
  "mfa-on": (brand, { at }) => ({
    subject: "多要素認証設定のお知らせ",
    ja: [
      "お客さまのお申し出により、コールセンターにてログイン時多要素認証を設定しました。",
      "次回のログインから、ログインID・ログインパスワードの入力後に「重要メール」へ「認証コード」（6桁の数字）をお送りします。認証コードを入力してログインしてください。",
    ],
    titleEn: `Multi-factor authentication is on for your ${brand.nameEn} account`,
    en: ["At your request, the call center has turned on multi-factor authentication. From your next login, a 6-digit code will be sent to your important-mail address after your login ID and password."],
    facts: callCenterActionLines("ログイン時多要素認証の設定", "multi-factor authentication turned on", at),
    after: IF_NOT_REQUESTED,
  }),
  "mfa-off": (brand, { at }) => ({
    subject: "多要素認証解除のお知らせ",
    ja: ["お客さまのお申し出により、コールセンターにてログイン時多要素認証を解除しました。次回のログインから、認証コードの入力は不要になります。"],
    titleEn: `Multi-factor authentication is off for your ${brand.nameEn} account`,
    en: ["At your request, the call center has turned off multi-factor authentication. From your next login, no code will be asked for."],
    facts: callCenterActionLines("ログイン時多要素認証の解除", "multi-factor authentication turned off", at),
    after: {
      ja: [
        "■解除後のご注意",
        "多要素認証を解除すると、ログインIDとログインパスワードを知っている人は、誰でもお客さまの口座にログインできるようになります。",
        `${brand.name}では不正アクセス防止のため、多要素認証の設定を強くお勧めしています。解除後は十分ご注意ください。`,
        `多要素認証は、コールセンター（${brand.callCenterPhone}）へご連絡いただければ、いつでも再び設定できます。受付時間は${fullWidthBrackets(brand.callCenterHours)}です。`,
        "",
        ...IF_NOT_REQUESTED.ja,
      ],
      en: [
        "Please be careful: without it, anyone who knows your login ID and password can log in to your account.",
        `${brand.nameEn} strongly recommends multi-factor authentication against unauthorized access. To turn it back on at any time, call the call center (${brand.callCenterPhone}, ${brand.callCenterHoursEn}).`,
        "",
        ...IF_NOT_REQUESTED.en,
      ],
    },
  }),
  "email-changed-old-address": (brand, { at }) => ({
    subject: "重要メール変更のお知らせ",
    ja: [
      "お客さまのお申し出により、コールセンターにて「重要メール」（認証コードやお知らせの送信先）を別のメールアドレスに変更しました。今後、このメールアドレスには認証コードやお知らせをお送りしません。",
      "安全のため、すべての端末のログインを終了し、送信済みの認証コードは無効にしました。",
    ],
    titleEn: `The important-mail address of your ${brand.nameEn} account has been changed`,
    en: [
      "At your request, the call center has changed the address your codes and notices go to. Codes and notices will no longer be sent to this address.",
      "For your safety, every login has been ended and the codes already sent no longer work.",
    ],
    facts: callCenterActionLines("重要メールの変更", "important-mail address changed", at),
    after: IF_NOT_REQUESTED,
  }),
  "email-changed-new-address": (brand, { at }) => ({
    subject: "重要メール登録のお知らせ",
    ja: [
      "お客さまのお申し出により、コールセンターにてこのメールアドレスを「重要メール」に登録しました。今後、ログイン時の認証コードやお知らせは、このメールアドレスにお送りします。",
      "安全のため、すべての端末のログインを終了しました。お手数ですが、もう一度ログインしてください。",
    ],
    titleEn: `This address is now the important-mail address of your ${brand.nameEn} account`,
    en: [
      "At your request, the call center has registered this address for your codes and notices. Codes for logging in will be sent here from now on.",
      "For your safety, every login has been ended: please log in again.",
    ],
    facts: callCenterActionLines("重要メールの変更", "important-mail address changed", at),
    after: IF_NOT_REQUESTED,
  }),
  "passkey-required-off-by-call-center": (brand, { at }) => ({
    subject: "パスキー必須の解除のお知らせ",
    ja: ["お客さまのお申し出により、口座の「パスキー必須」を解除しました。ログインIDとパスワード（と認証コード）でログインできます。", "紛失した端末のパスキーは、ログイン後にマイページの「パスキー」から削除してください。"],
    titleEn: `"Passkey required" has been turned off for your ${brand.nameEn} account`,
    en: [
      'At your request, the call center has turned off "passkey required". You can log in with your login ID and password',
      '(and the emailed code). After logging in, remove the passkey of a lost device under "Passkeys" on My page.',
    ],
    facts: callCenterActionLines("パスキー必須の解除", "passkey required turned off", at),
    after: IF_NOT_REQUESTED,
  }),
  "trading-pin-unlocked": (brand, { at }) => ({
    subject: "取引暗証番号ロック解除のお知らせ",
    ja: ["お客さまのお申し出により、コールセンターにて取引暗証番号のロックを解除しました。これまでの取引暗証番号で、再びお取引いただけます。"],
    titleEn: `Your ${brand.nameEn} trading PIN has been unlocked`,
    en: ["At your request, the call center has unlocked your trading PIN. You can trade again with the same PIN as before."],
    facts: callCenterActionLines("取引暗証番号ロックの解除", "trading PIN unlocked", at),
    after: IF_NOT_REQUESTED,
  }),
  // The English part names no service: a client's name is registered in Japanese, and that part stays in English.
  "connection-revoked": (brand, { at, clientName }) => ({
    subject: "サービス連携解除のお知らせ",
    ja: [
      `お客さまのお申し出により、コールセンターにて「${clientName}」とお客さまの口座との連携を解除しました。「${clientName}」では、ログアウトした状態になっています。引き続きご利用の場合は、もう一度ログインしてください。`,
    ],
    titleEn: `A service's connection to your ${brand.nameEn} account has been ended`,
    en: [
      "At your request, the call center has ended the connection between your account and the service named in the Japanese part above, which logged you out of that service. Please log in to it again to continue using it.",
    ],
    facts: callCenterActionLines(`「${clientName}」との連携の解除`, "connection of a service ended", at),
    after: IF_NOT_REQUESTED,
  }),
  "security-request-received": (brand, { request, at, delayHours }) => {
    const words = REQUEST_WORDS[request];
    const whenJa = delayHours === 0 ? "責任者の確認後に行い" : `責任者の確認から${delayHours}時間後に行い`;
    const whenEn = delayHours === 0 ? "once a supervisor has approved it" : `${delayHours === 1 ? "1 hour" : `${delayHours} hours`} after a supervisor has approved it`;
    return {
      subject: `${words.subject}のお申し出受付のお知らせ`,
      ja: [`お客さまのお申し出により、${words.ja}を受け付けました。お手続きは${whenJa}、あらためてメールでお知らせします。${words.stillJa}`],
      titleEn: `We have received a request for ${words.en} on your ${brand.nameEn} account.`,
      en: [`The change will be made ${whenEn}; we will mail you again then. ${words.stillEn}`],
      facts: callCenterActionLines(`${words.ja}のお申し出の受付`, `request for ${words.en} received`, at),
      after: {
        ja: ["■お心当たりがない場合", `${POSING_JA}変更される前に、ただちに下記コールセンターまでお電話ください。お申し出を取り消します。`],
        en: ["If you did not ask for this, someone may be posing as you: please call the call center below at once, before the change is made, and we will cancel the request."],
      },
    };
  },
  "security-request-approved": (brand, { request, at, effectiveAt }) => {
    const words = REQUEST_WORDS[request];
    return {
      subject: `${words.subject}の予定のお知らせ`,
      ja: [`お申し出の${words.ja}は、${formatJapanTime(effectiveAt)}（日本時間）に行います。${words.stillJa}`],
      titleEn: `Scheduled: ${words.en} on your ${brand.nameEn} account`,
      en: [`The requested change will be made at ${formatJapanTimeWithZone(effectiveAt)}. ${words.stillEn}`],
      facts: callCenterActionLines(`${words.ja}の承認`, `${words.en} approved`, at),
      after: {
        ja: ["■お心当たりがない場合", `${POSING_JA}${formatJapanTime(effectiveAt)}までに、ただちに下記コールセンターまでお電話ください。お申し出を取り消します。`],
        en: [`If you did not ask for this, someone may be posing as you: please call the call center below before ${formatJapanTimeWithZone(effectiveAt)}, and we will cancel the request.`],
      },
    };
  },
  "security-request-closed": (brand, { request, at }) => {
    const words = REQUEST_WORDS[request];
    return {
      subject: `${words.subject}のお申し出についてのお知らせ`,
      ja: [`お申し出いただいた${words.ja}は、行いませんでした。お客さまの設定は変わっていません。`, "ご不明な点は、下記コールセンターまでお問い合わせください。"],
      titleEn: `Not carried out: ${words.en} on your ${brand.nameEn} account`,
      en: [`The request for ${words.en} was not carried out. Your settings have not changed.`, "For any questions, please call the call center below."],
      facts: callCenterActionLines(`${words.ja}の中止`, `request for ${words.en} not carried out`, at),
      after: { ja: [], en: [] },
    };
  },
};
