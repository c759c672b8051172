import type { Brand } from "../kernel/brand.ts";
import type { NoticeText, NoticeTexts, OperationFacts } from "./notice-blocks.ts";
import { NOT_YOU, operationLines } from "./notice-blocks.ts";
import { formatJapanTime, formatJapanTimeWithZone } from "../kernel/japan-time.ts";

/**
 * The notices of what happened from the customer's own side: a login, a lock after wrong
 * entries, a change the customer made. Each names the operation, when, and the IP and device it
 * came from (validated values only, STYLE 21), then what to do if it was not the customer.
 * A passkey is named by when it was registered, never by the name the customer gave it (text
 * from a request); a PIN is never in a mail.
 */
export interface CustomerChangeKinds {
  /** After a completed login (JSDA 2025 asks brokerages to notify logins); louder for a new device. */
  login: OperationFacts & { newDevice: boolean };
  /** Once, when repeated wrong passwords or codes locked the account: only the call center unlocks. */
  "account-locked": OperationFacts;
  /** The customer froze the account (issue 11): only the call center reopens it. */
  "account-frozen": OperationFacts;
  /** Every other session has ended. */
  "password-changed": OperationFacts;
  /** Every session ended; a lock from failed attempts, if any, lifted. */
  "password-reset-done": OperationFacts & { unlocked: boolean };
  /** The login ID, mailed to the registered address only (never shown on a page). */
  "login-id-reminder": OperationFacts & { loginId: string };
  /** Every change to the customer's passkeys mails a notice (issue 13 §1). */
  "passkey-registered": OperationFacts & { passkeyCreatedAt: number };
  "passkey-renamed": OperationFacts & { passkeyCreatedAt: number };
  "passkey-removed": OperationFacts & { passkeyCreatedAt: number };
  /**
   * A passkey's signature counter did not go up (WebAuthn §6.1.1: a cloned authenticator?). The
   * use is not refused (a synced passkey may report odd counters), but the customer is told.
   */
  "passkey-counter-warning": OperationFacts & { passkeyCreatedAt: number };
  /** The customer turned パスキー必須 on or off (issue 13 §3). */
  "passkey-required-on": OperationFacts;
  "passkey-required-off": OperationFacts;
  /** The trading PIN (取引暗証番号, issue 13 §4) changed. */
  "trading-pin-changed": OperationFacts;
  /** The 5th consecutive wrong PIN locked it: someone may be guessing; logging in still works. */
  "trading-pin-locked": OperationFacts;
}

/** What differs between the notices of a passkey registered, renamed or removed. */
interface PasskeyWords {
  subject: string;
  ja: string;
  heading: string;
  /** With `{brand}` where the brand's English name goes. */
  titleEn: string;
  atEn: string;
}

function passkeyChange(words: PasskeyWords): (brand: Brand, facts: OperationFacts & { passkeyCreatedAt: number }) => NoticeText {
  return (brand, facts) => ({
    subject: words.subject,
    ja: [words.ja, `対象のパスキー: ${formatJapanTime(facts.passkeyCreatedAt)} 登録`],
    titleEn: words.titleEn.replace("{brand}", brand.nameEn),
    en: [`Passkey registered: ${formatJapanTimeWithZone(facts.passkeyCreatedAt)}`],
    facts: operationLines(words.heading, words.atEn, facts),
    after: NOT_YOU,
  });
}

const UNLOCK_BY_CALL_CENTER = "ロックの解除は、ご本人確認のうえコールセンターで承ります。下記までご連絡ください。";

export const CUSTOMER_CHANGES: NoticeTexts<CustomerChangeKinds> = {
  login: (brand, facts) => ({
    subject: "ログインのお知らせ",
    ja: [facts.newDevice ? "これまでにご利用のない端末から、お客さまの口座にログインがありました。" : "お客さまの口座にログインがありました。"],
    titleEn: facts.newDevice ? `A login to your ${brand.nameEn} account from a device not seen before` : `A login to your ${brand.nameEn} account`,
    en: [],
    facts: operationLines("ログインの内容", "Logged in at", facts),
    after: {
      ja: [
        "■お心当たりがない場合",
        "第三者がお客さまの口座にログインした可能性があります。ただちにログインパスワードを変更し、",
        "「ご利用中の端末」で心当たりのない端末をログアウトさせたうえ、下記コールセンターまでご連絡ください。",
        ...(facts.newDevice ? [] : ["", "ログインのたびのお知らせは、マイページの「お知らせ設定」で停止できます（新しい端末からのログインは常にお知らせします）。"]),
      ],
      en: ["If this was not you, change your password at once, log out the devices you do not recognise under", '"Devices logged in", and call the call center below.'],
    },
  }),
  // Issue 21 item 5: a password reset lifts the lock at once (password-reset.ts), any day; the call center only in its hours.
  "account-locked": (brand, facts) => ({
    subject: "口座ロックのお知らせ",
    ja: ["ログインパスワードまたは認証コードの誤入力が続いたため、お客さまの口座へのログインを停止（ロック）しました。"],
    titleEn: `Your ${brand.nameEn} account has been locked`,
    en: ["After repeated wrong passwords or authentication codes, logins to your account have been stopped."],
    facts: operationLines("ロックの原因となったログイン操作", "Locked at", facts),
    after: {
      ja: [
        "■ロックの解除",
        "ログイン画面の「パスワードをお忘れの方」から、ログインID・生年月日と、メールでお送りする認証コードでログインパスワードを再設定すると、ロックはただちに解除されます。",
        "コールセンターでも、受付時間内にご本人確認のうえ解除いたします。下記までご連絡ください。",
        "",
        "■ご自身の操作にお心当たりがない場合",
        "第三者がお客さまのログインIDで不正ログインを試みた可能性があります。",
        "パスワードの再設定でロックを解除したうえ、マイページの「ログイン履歴」に見覚えのないログインがないことをご確認ください。",
      ],
      en: [
        'Choose "Forgot your password?" on the login page: a new password set with your login ID, your date of birth and the',
        "code we email you lifts the lock at once. The call center can also unlock the account during its hours, after",
        "confirming your identity.",
        "",
        "If this was not you, someone may be trying to log in with your login ID: after resetting your password, check",
        '"Login history" on My page for logins you do not recognise.',
      ],
    },
  }),
  "account-frozen": (brand, facts) => ({
    subject: "ログイン停止（口座凍結）のお知らせ",
    ja: ["お客さまのお申し出により、口座へのログインを停止（凍結）しました。すべての端末のログインを終了しています。"],
    titleEn: `Logins to your ${brand.nameEn} account have been stopped`,
    en: ["At your request, the account has been frozen and every login has been ended."],
    facts: operationLines("お申し出の操作内容", "Frozen at", facts),
    after: {
      ja: [
        "ログインの再開は、ご本人確認のうえコールセンターで承ります。身に覚えのない取引がある場合も、あわせてお知らせください。",
        "",
        "■お心当たりがない場合",
        "第三者がお客さまのパスワードで操作した可能性があります。ただちに下記コールセンターまでご連絡ください。",
      ],
      en: [
        "The call center reopens the account after confirming your identity; tell them about any trades you did not make.",
        "If this was not you, someone may know your password: please call the call center below at once.",
      ],
    },
  }),
  "password-changed": (brand, facts) => ({
    subject: "ログインパスワード変更のお知らせ",
    ja: ["お客さまのログインパスワードが変更されました。この端末以外のログインはすべて終了しています。"],
    titleEn: `Your ${brand.nameEn} login password has been changed`,
    en: ["Every other login to your account has been ended."],
    facts: operationLines("変更の操作内容", "Changed at", facts),
    after: NOT_YOU,
  }),
  "password-reset-done": (brand, facts) => ({
    subject: "ログインパスワード再設定のお知らせ",
    ja: ["お客さまのログインパスワードが再設定されました。すべての端末のログインを終了しています。", ...(facts.unlocked ? ["誤入力によるロックも解除しました。"] : [])],
    titleEn: `Your ${brand.nameEn} login password has been reset`,
    en: ["Every login to your account has been ended." + (facts.unlocked ? " The lock after wrong entries has been lifted." : "")],
    facts: operationLines("再設定の操作内容", "Reset at", facts),
    after: NOT_YOU,
  }),
  "login-id-reminder": (brand, facts) => ({
    subject: "ログインIDのお知らせ",
    ja: ["お問い合わせのあったログインIDをお知らせします。", "", `ログインID: ${facts.loginId}`],
    titleEn: `Your ${brand.nameEn} login ID`,
    en: [`Login ID: ${facts.loginId}`],
    facts: operationLines("お問い合わせの操作内容", "Requested at", facts),
    after: {
      ja: ["■お心当たりがない場合", "このメールは登録されたメールアドレスにのみ送信しています。パスワードは変更されていません。"],
      en: ["This mail goes only to your registered address. If you did not ask for it, your password has not been changed."],
    },
  }),
  "passkey-registered": passkeyChange({
    subject: "パスキー登録のお知らせ",
    ja: "お客さまの口座に新しいパスキーが登録されました。",
    heading: "登録の操作内容",
    titleEn: "A new passkey has been registered to your {brand} account",
    atEn: "Registered at",
  }),
  "passkey-renamed": passkeyChange({
    subject: "パスキーの名前変更のお知らせ",
    ja: "お客さまのパスキーの名前が変更されました。",
    heading: "変更の操作内容",
    titleEn: "The name of one of your {brand} passkeys has been changed",
    atEn: "Changed at",
  }),
  "passkey-removed": passkeyChange({
    subject: "パスキー削除のお知らせ",
    ja: "お客さまの口座からパスキーが削除されました。このパスキーではログインできなくなりました。",
    heading: "削除の操作内容",
    titleEn: "A passkey has been removed from your {brand} account; it can no longer be used to log in",
    atEn: "Removed at",
  }),
  "passkey-counter-warning": (brand, facts) => ({
    subject: "パスキーのご利用に関するご注意",
    ja: [`${formatJapanTime(facts.passkeyCreatedAt)}にご登録のパスキーが使われましたが、認証器の利用回数の記録が前回より進んでいませんでした。`, "パスキーが複製されている可能性があるため、お知らせします。"],
    titleEn: `Your ${brand.nameEn} passkey registered ${formatJapanTimeWithZone(facts.passkeyCreatedAt)} was used, but its use counter did not go up`,
    en: ["This can mean the passkey has been copied."],
    facts: operationLines("パスキーが使われた操作", "Used at", facts),
    after: {
      ja: ["■お心当たりがない場合", "ログイン後、マイページの「パスキー」でこのパスキーを削除し、ログインパスワードを変更してください。", "身に覚えのない取引がある場合は、下記コールセンターまでご連絡ください。"],
      en: ['If this was not you, log in, remove this passkey under "Passkeys" on My page and change your login password.', "If you find trades you did not make, call the call center below."],
    },
  }),
  "passkey-required-on": (brand, facts) => ({
    subject: "パスキー必須の設定のお知らせ",
    ja: ["お客さまの口座を「パスキー必須」に設定しました。今後、ログインIDとパスワードでのログインはできず、パスキーでのみログインできます。"],
    titleEn: `Your ${brand.nameEn} account now requires a passkey to log in`,
    en: ["Logging in with your login ID and password is no longer possible; use your passkey."],
    facts: operationLines("設定の操作内容", "Changed at", facts),
    after: NOT_YOU,
  }),
  "passkey-required-off": (brand, facts) => ({
    subject: "パスキー必須の解除のお知らせ",
    ja: ["お客さまの口座の「パスキー必須」を解除しました。ログインIDとパスワード（と認証コード）でもログインできます。"],
    titleEn: `Your ${brand.nameEn} account no longer requires a passkey to log in`,
    en: ["You can log in with your login ID and password (and the emailed code) again."],
    facts: operationLines("設定の操作内容", "Changed at", facts),
    after: NOT_YOU,
  }),
  "trading-pin-changed": (brand, facts) => ({
    subject: "取引暗証番号変更のお知らせ",
    ja: ["お客さまの取引暗証番号が変更されました。"],
    titleEn: `Your ${brand.nameEn} trading PIN has been changed`,
    en: [],
    facts: operationLines("変更の操作内容", "Changed at", facts),
    after: NOT_YOU,
  }),
  "trading-pin-locked": (brand, facts) => ({
    subject: "取引暗証番号ロックのお知らせ",
    ja: ["取引暗証番号の誤入力が続いたため、取引暗証番号をロックしました。ロック中はお取引・ご出金などのお手続きができません。", "ログインやログイン後の照会は、これまでどおりご利用いただけます。"],
    titleEn: `Your ${brand.nameEn} trading PIN has been locked`,
    en: ["After repeated wrong trading PINs, your PIN has been locked: trades and withdrawals need it and are not possible", "until it is unlocked. You can still log in and view your account."],
    facts: operationLines("ロックの原因となった操作", "Locked at", facts),
    after: {
      ja: [
        UNLOCK_BY_CALL_CENTER,
        "",
        "■ご自身の操作にお心当たりがない場合",
        "第三者がお客さまの口座にログインし、取引暗証番号を試した可能性があります。",
        "ただちにログインパスワードを変更し、「ご利用中の端末」で心当たりのない端末をログアウトさせてください。",
      ],
      en: [
        "Only the call center can unlock it, after confirming your identity.",
        "If this was not you, someone may be logged in to your account: change your login password at once and log out",
        'the devices you do not recognise under "Devices logged in".',
      ],
    },
  }),
};
