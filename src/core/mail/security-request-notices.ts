import type { Brand } from "../kernel/brand.ts";
import type { Notice } from "./notice.ts";
import { formatJapanTime, formatJapanTimeWithZone } from "../kernel/japan-time.ts";
import { callCenterActionLinesEn, callCenterActionLinesJa } from "./operator-notice.ts";

/** What each kind of request changes, as the customer's mails name it. */
/** What a security request would weaken (the console's requests, worded here for their mails). */
export type SecurityRequestKind = "mfa_off" | "email_change" | "passkey_required_off";

const KIND_TEXT: Record<SecurityRequestKind, { subject: string; ja: string; en: string; stillJa: string; stillEn: string }> = {
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
    en: "turning off \"passkey required\"",
    stillJa: "それまでは「パスキー必須」は有効です。",
    stillEn: "\"Passkey required\" stays on until then.",
  },
};

/** The wait in words: 「24時間」 / "24 hours". */
function waitJa(delayHours: number): string {
  return `${delayHours}時間`;
}

function waitEn(delayHours: number): string {
  return delayHours === 1 ? "1 hour" : `${delayHours} hours`;
}

export function securityRequestReceivedSubject(brand: Brand, kind: SecurityRequestKind): string {
  return `【${brand.name}】${KIND_TEXT[kind].subject}のお申し出受付のお知らせ`;
}

/**
 * To the current 重要メール as soon as an operator asks (issue 17 item 2): what was asked, that
 * nothing changed yet, when it could take effect at the earliest, and how to stop it (call the
 * call center: any operator can cancel). Never the new address, never the operator's reason.
 */
export function securityRequestReceivedNotice(brand: Brand, kind: SecurityRequestKind, facts: { requestedAt: number; delayHours: number }): Notice {
  const text = KIND_TEXT[kind];
  const whenJa = facts.delayHours === 0 ? "責任者の確認後に行い" : `責任者の確認から${waitJa(facts.delayHours)}後に行い`;
  const whenEn = facts.delayHours === 0 ? "once a supervisor has approved it" : `${waitEn(facts.delayHours)} after a supervisor has approved it`;
  return {
    subject: securityRequestReceivedSubject(brand, kind),
    ja: [
      `${brand.name}をご利用いただきありがとうございます。`,
      `お客さまのお申し出により、${text.ja}を受け付けました。お手続きは${whenJa}、あらためてメールでお知らせします。${text.stillJa}`,
      "",
      ...callCenterActionLinesJa(`${text.ja}のお申し出の受付`, facts.requestedAt),
      "",
      "■お心当たりがない場合",
      "お客さまになりすました第三者によるお申し出の可能性があります。変更される前に、ただちに下記コールセンターまでお電話ください。お申し出を取り消します。",
    ],
    en: [
      `We have received a request for ${text.en} on your ${brand.nameEn} account.`,
      "",
      `The change will be made ${whenEn}; we will mail you again then. ${text.stillEn}`,
      ...callCenterActionLinesEn(`request for ${text.en} received`, facts.requestedAt),
      "",
      "If you did not ask for this, someone may be posing as you: please call the call center below at once, before the change is made, and we will cancel the request.",
    ],
  };
}

export function securityRequestApprovedSubject(brand: Brand, kind: SecurityRequestKind): string {
  return `【${brand.name}】${KIND_TEXT[kind].subject}の予定のお知らせ`;
}

/** To the current 重要メール when a supervisor approved and the change waits: when it takes effect, how to stop it. */
export function securityRequestApprovedNotice(brand: Brand, kind: SecurityRequestKind, facts: { approvedAt: number; effectiveAt: number }): Notice {
  const text = KIND_TEXT[kind];
  return {
    subject: securityRequestApprovedSubject(brand, kind),
    ja: [
      `${brand.name}をご利用いただきありがとうございます。`,
      `お申し出の${text.ja}は、${formatJapanTime(facts.effectiveAt)}（日本時間）に行います。${text.stillJa}`,
      "",
      ...callCenterActionLinesJa(`${text.ja}の承認`, facts.approvedAt),
      "",
      "■お心当たりがない場合",
      `お客さまになりすました第三者によるお申し出の可能性があります。${formatJapanTime(facts.effectiveAt)}までに、ただちに下記コールセンターまでお電話ください。お申し出を取り消します。`,
    ],
    en: [
      `Scheduled: ${text.en} on your ${brand.nameEn} account`,
      "",
      `The requested change will be made at ${formatJapanTimeWithZone(facts.effectiveAt)}. ${text.stillEn}`,
      ...callCenterActionLinesEn(`${text.en} approved`, facts.approvedAt),
      "",
      `If you did not ask for this, someone may be posing as you: please call the call center below before ${formatJapanTimeWithZone(facts.effectiveAt)}, and we will cancel the request.`,
    ],
  };
}

export function securityRequestClosedSubject(brand: Brand, kind: SecurityRequestKind): string {
  return `【${brand.name}】${KIND_TEXT[kind].subject}のお申し出についてのお知らせ`;
}

/** To the current 重要メール when a request was rejected or cancelled: nothing changed. The operator's reason stays internal. */
export function securityRequestClosedNotice(brand: Brand, kind: SecurityRequestKind, facts: { at: number }): Notice {
  const text = KIND_TEXT[kind];
  return {
    subject: securityRequestClosedSubject(brand, kind),
    ja: [
      `${brand.name}をご利用いただきありがとうございます。`,
      `お申し出いただいた${text.ja}は、行いませんでした。お客さまの設定は変わっていません。`,
      "ご不明な点は、下記コールセンターまでお問い合わせください。",
      "",
      ...callCenterActionLinesJa(`${text.ja}のお申し出（行わず）`, facts.at),
    ],
    en: [
      `Not carried out: ${text.en} on your ${brand.nameEn} account`,
      "",
      `The request for ${text.en} was not carried out. Your settings have not changed.`,
      "For any questions, please call the call center below.",
      ...callCenterActionLinesEn(`request for ${text.en} not carried out`, facts.at),
    ],
  };
}

export function emailVerificationSubject(brand: Brand): string {
  return `【${brand.name}】メールアドレス確認コードのお知らせ`;
}

/**
 * To the NEW address, before any request is made: the code the caller reads back to the call
 * center, so a typo or an address the caller cannot read fails there. Nothing about the account.
 */
export function emailVerificationNotice(brand: Brand, facts: { code: string; sentAt: number; expiresAt: number }): Notice {
  return {
    subject: emailVerificationSubject(brand),
    ja: [
      `${brand.name}をご利用いただきありがとうございます。`,
      "重要メール（ご登録のメールアドレス）の変更のお申し出により、このメールアドレスの確認コード（6桁の数字）をお知らせします。",
      "",
      `確認コード: ${facts.code}`,
      `送信日時: ${formatJapanTime(facts.sentAt)}`,
      `有効期限: ${formatJapanTime(facts.expiresAt)}`,
      "",
      "お電話中のコールセンターの担当者に、この確認コードをお伝えください。",
      "",
      "■お心当たりがない場合",
      "このメールは破棄してください。確認コードは誰にも伝えないでください。",
    ],
    en: [
      `Your ${brand.nameEn} code to confirm this e-mail address`,
      "",
      `Code: ${facts.code}`,
      `Sent: ${formatJapanTimeWithZone(facts.sentAt)}`,
      `Valid until: ${formatJapanTimeWithZone(facts.expiresAt)}`,
      "",
      "Please read this code to the call center agent you are speaking with.",
      "If you did not ask for this, ignore this mail and do not give the code to anyone.",
    ],
  };
}
