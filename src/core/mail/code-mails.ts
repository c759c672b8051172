import type { Brand } from "../kernel/brand.ts";
import type { CodeMailFacts, Lines, NoticeText, NoticeTexts } from "./notice-blocks.ts";
import { codeLines } from "./notice-blocks.ts";
import { formatJapanTime, formatJapanTimeWithZone } from "../kernel/japan-time.ts";

/**
 * The mails that carry a code. All but the new address's check share the subject customers are
 * told to look for (seed 別紙1-2), and each says what its code is for, so a code for something
 * the customer did not start reads as the warning it is, and is never typed in.
 */
const CODE_SUBJECT = "認証コードのお知らせ";

export function codeMailSubject(brand: Brand): string {
  return `【${brand.name}】${CODE_SUBJECT}`;
}

/** The operation as the confirmation's code mail words it (issue 13 §5): Japanese, English, and how many items were left out. */
export interface OperationMailLines {
  ja: string;
  en: string;
  omitted: number;
}

/** The facts each code mail is built from. */
export interface CodeMailKinds {
  /** The login's code (seed 別紙1-2). */
  "login-code": CodeMailFacts;
  /** The step-up codes of changes from the customer's own login (issue 11, issue 13 §1 and §4). */
  "password-change-code": CodeMailFacts;
  "passkey-registration-code": CodeMailFacts;
  "trading-pin-change-code": CodeMailFacts;
  /** A forgotten password. */
  "password-reset-code": CodeMailFacts;
  /** An operation of the trading site confirmed by PIN and code (issue 13 §5). */
  "confirmation-code": CodeMailFacts & { summary: OperationMailLines };
  /** To the NEW address before a 重要メール change is asked for (issue 17): the code the caller reads back. Nothing about the account. */
  "email-verification-code": { code: string; sentAt: number; expiresAt: number };
}

/**
 * What the customer can do at once when a code was not theirs (issue 21 item 7): マイページ's own
 * tools, by the names its menu shows (web/account/i18n-account.ts). Named, never linked.
 */
function ownTools(brand: Brand): Lines {
  return {
    ja: [
      `${brand.name}のホームページからログインし、マイページの次のメニューをご利用ください。`,
      "・「ログイン履歴」：心当たりのないログインがないかを確認できます。",
      "・「ご利用中の端末」：心当たりのない端末をログアウトさせられます。",
      "・「口座の凍結（ログイン停止）」：すべてのログインをすぐに止められます（再開はコールセンターで承ります）。",
    ],
    en: [
      `Log in from the ${brand.nameEn} website and use these menus of My page:`,
      '- "Login history": check for logins you do not recognise;',
      '- "Devices logged in": log out the devices you do not recognise;',
      '- "Freeze account (stop logins)": stop every login at once (the call center reopens the account).',
    ],
  };
}

// The close of the step-up codes' warnings: someone may be logged in as the customer.
const CHANGE_PASSWORD_JA = "あわせてログインパスワードを変更してください。身に覚えのない取引がある場合は、下記コールセンターまでご連絡ください。";
const CHANGE_PASSWORD_EN = "Also change your password. If you find trades you did not make, call the call center below.";

/** A step-up code's words: what it is for, where it is typed, and who may be asking if it was not the customer. */
interface StepUpWords {
  /** 「Xのための「認証コード」」 */
  purpose: string;
  /** The screen, the heading and the warning name the operation: 「Xの操作内容」, 「X画面」. */
  operation: string;
  titleEn: string;
  screenEn: string;
  /** If the customer did not ask: the first lines of the warning (the customer's own tools follow). */
  someone: Lines;
}

function stepUpCode(brand: Brand, facts: CodeMailFacts, words: StepUpWords): NoticeText {
  const tools = ownTools(brand);
  return {
    subject: CODE_SUBJECT,
    ja: [`${words.purpose}のための「認証コード」（6桁の数字）をお知らせします。`],
    titleEn: `Your ${brand.nameEn} ${words.titleEn}`,
    en: [],
    facts: codeLines(`${words.operation}の操作内容`, facts),
    after: {
      ja: [`${words.operation}画面の「認証コード」欄に上記の認証コードを入力してください。`, "", `■ご自身が${words.operation}の操作をしていないのにこのメールが届いた場合`, ...words.someone.ja, ...tools.ja, CHANGE_PASSWORD_JA],
      en: [`Enter this code on the ${words.screenEn} screen.`, "", ...words.someone.en, ...tools.en, CHANGE_PASSWORD_EN],
    },
  };
}

const SOMEONE_LOGGED_IN_JA = "第三者がお客さまの口座にログインしている可能性があります。このメールの認証コードは誰にも伝えないでください。";

export const CODE_MAILS: NoticeTexts<CodeMailKinds> = {
  "login-code": (brand, facts) => ({
    subject: CODE_SUBJECT,
    ja: ["ログイン時多要素認証の「認証コード」（6桁の数字）をお知らせします。"],
    titleEn: `Your ${brand.nameEn} login authentication code`,
    en: [],
    facts: codeLines("ログイン操作の内容", facts),
    after: {
      ja: [
        "[ログイン時多要素認証 入力]画面の「認証コード」欄に上記の認証コードを入力し、「ログイン」をクリックしてください。",
        "再度ログイン操作を行うと別の認証コードが送信され、このメールの認証コードはご利用いただけなくなります。",
        "",
        "■ご自身がログイン操作をしていないのにこのメールが届いた場合",
        "第三者が不正ログインを試みている可能性があります。このメールの認証コードは誰にも伝えないでください。",
        ...ownTools(brand).ja,
        "あわせてログインパスワードを変更し、不審な取引がないことをご確認ください。",
        "身に覚えのない取引が見つかった場合は、下記コールセンターまでご連絡ください。",
      ],
      en: [
        "Enter this code on the login authentication screen. Logging in again sends a new code and this one stops working.",
        "",
        "If you did not try to log in, someone else may be trying to access your account. Do not give this code to anyone.",
        ...ownTools(brand).en,
        "Also change your login password and check that there are no trades you do not recognise. If you find such",
        "trades, please call the call center below.",
      ],
    },
  }),
  "password-change-code": (brand, facts) =>
    stepUpCode(brand, facts, {
      purpose: "ログインパスワード変更",
      operation: "パスワード変更",
      titleEn: "code to change your login password",
      screenEn: "password change",
      someone: { ja: [SOMEONE_LOGGED_IN_JA], en: ["If you did not ask to change your password, someone else may be logged in to your account. Do not give", "this code to anyone."] },
    }),
  "passkey-registration-code": (brand, facts) =>
    stepUpCode(brand, facts, {
      purpose: "パスキー登録",
      operation: "パスキー登録",
      titleEn: "code to register a passkey",
      screenEn: "passkey registration",
      // Someone with the session wants a passkey of their own.
      someone: {
        ja: ["第三者がお客さまの口座にログインし、自分のパスキーを登録しようとしている可能性があります。", "このメールの認証コードは誰にも伝えないでください。"],
        en: [
          "If you did not ask to register a passkey, someone else may be logged in to your account and trying to add",
          "a passkey of their own. Do not give this code to anyone.",
        ],
      },
    }),
  "trading-pin-change-code": (brand, facts) =>
    stepUpCode(brand, facts, {
      purpose: "取引暗証番号変更",
      operation: "取引暗証番号変更",
      titleEn: "code to change your trading PIN",
      screenEn: "trading PIN change",
      someone: { ja: [SOMEONE_LOGGED_IN_JA], en: ["If you did not ask to change your trading PIN, someone else may be logged in to your account. Do not give", "this code to anyone."] },
    }),
  "password-reset-code": (brand, facts) => ({
    subject: CODE_SUBJECT,
    ja: ["ログインパスワード再設定のための「認証コード」（6桁の数字）をお知らせします。"],
    titleEn: `Your ${brand.nameEn} code to reset your login password`,
    en: [],
    facts: codeLines("再設定の操作内容", facts),
    after: {
      ja: [
        "パスワード再設定画面の「認証コード」欄に上記の認証コードを入力し、新しいパスワードを設定してください。",
        "",
        "■ご自身が再設定の操作をしていないのにこのメールが届いた場合",
        "このメールの認証コードは誰にも伝えないでください。パスワードは変更されていません。",
        "お客さまのログインIDと生年月日を知っている第三者による操作の可能性があります。",
        ...ownTools(brand).ja,
        "心当たりのない操作が続く場合は、下記コールセンターまでご連絡ください。",
      ],
      en: [
        "Enter this code on the password reset screen and choose a new password.",
        "",
        "If you did not ask for this, do not give the code to anyone: your password has not been changed. Someone who",
        "knows your login ID and date of birth may have asked for it.",
        ...ownTools(brand).en,
        "If it happens again, please call the call center below.",
      ],
    },
  }),
  "confirmation-code": (brand, facts) => {
    const { omitted } = facts.summary;
    return {
      subject: CODE_SUBJECT,
      ja: [
        "次のお取引・お手続きを確認するための「認証コード」（6桁の数字）をお知らせします。",
        "",
        `ご確認いただく操作: ${facts.summary.ja}`,
        ...(omitted === 0 ? [] : [`（ほか${omitted}項目。内容はご利用中の画面でご確認ください）`]),
      ],
      titleEn: `Your ${brand.nameEn} code to confirm an operation`,
      en: [`Operation: ${facts.summary.en}`, ...(omitted === 0 ? [] : [`(and ${omitted} more ${omitted === 1 ? "item" : "items"}: see the screen you are using)`]), ""],
      facts: codeLines("確認の操作内容", facts),
      after: {
        ja: [
          "内容に間違いがなければ、確認画面の「認証コード」欄に上記の認証コードを入力してください。",
          "",
          "■この操作に心当たりがない場合",
          "第三者がお客さまの口座にログインしている可能性があります。このメールの認証コードは誰にも伝えず、入力しないでください。",
          ...ownTools(brand).ja,
          "あわせてログインパスワードを変更し、下記コールセンターまでご連絡ください。",
        ],
        en: [
          "If the operation is right, enter this code on the confirmation screen.",
          "",
          "If you did not start this operation, someone else may be logged in to your account. Do not give this",
          "code to anyone and do not enter it.",
          ...ownTools(brand).en,
          "Also change your password and call the call center below.",
        ],
      },
    };
  },
  "email-verification-code": (brand, facts) => ({
    subject: "メールアドレス確認コードのお知らせ",
    ja: ["重要メール（ご登録のメールアドレス）の変更のお申し出により、このメールアドレスの確認コード（6桁の数字）をお知らせします。"],
    titleEn: `Your ${brand.nameEn} code to confirm this e-mail address`,
    en: [],
    facts: {
      ja: [`確認コード: ${facts.code}`, `送信日時: ${formatJapanTime(facts.sentAt)}`, `有効期限: ${formatJapanTime(facts.expiresAt)}`],
      en: [`Code: ${facts.code}`, `Sent: ${formatJapanTimeWithZone(facts.sentAt)}`, `Valid until: ${formatJapanTimeWithZone(facts.expiresAt)}`],
    },
    after: {
      ja: ["お電話中のコールセンターの担当者に、この確認コードをお伝えください。", "", "■お心当たりがない場合", "このメールは破棄してください。確認コードは誰にも伝えないでください。"],
      en: ["Please read this code to the call center agent you are speaking with.", "If you did not ask for this, ignore this mail and do not give the code to anyone."],
    },
  }),
};
