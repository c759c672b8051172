import type { FastifyRequest } from "fastify";
import { ACCOUNT_TEXT } from "../account/i18n-account.ts";
import { PASSKEY_TEXT } from "../passkeys/i18n-passkey.ts";
import { TRADING_PIN_TEXT } from "../trading-pin/i18n-trading-pin.ts";

export type Lang = "ja" | "en";

/**
 * Japanese first. English when asked for with `?lang=en`, or when the
 * browser's first Accept-Language preference is English.
 */
export function detectLang(request: FastifyRequest): Lang {
  const query = request.query as Record<string, unknown> | undefined;
  const asked = query?.["lang"];
  if (asked === "en" || asked === "ja") {
    return asked;
  }
  const header = request.headers["accept-language"];
  const first = typeof header === "string" ? header.split(",")[0]?.trim().toLowerCase() ?? "" : "";
  return first.startsWith("en") ? "en" : "ja";
}

/** `?lang=en` to keep English across form posts and redirects; nothing for Japanese. */
export function langQuery(lang: Lang): string {
  return lang === "en" ? "?lang=en" : "";
}

/**
 * Short UI text. `{phone}` and `{hours}` left in a text are filled by views/rich-text.eta
 * (the call center's number as a tel: link, its hours); other `{name}`s by `t()`. The long
 * help pages (seed 別紙2) are views of their own, one per language.
 */
const TEXT = {
  ja: {
    ...ACCOUNT_TEXT.ja,
    ...PASSKEY_TEXT.ja,
    ...TRADING_PIN_TEXT.ja,
    loginTitle: "ログイン",
    loginId: "ログインID",
    password: "ログインパスワード",
    loginButton: "ログイン",
    loggedOut: "ログアウトしました。ご利用ありがとうございました。",
    loginHelp: "ログインでお困りの方へ（よくあるご質問）",
    mfaTitle: "ログイン時多要素認証 入力",
    mfaLead: "「重要メール」に登録されているメールアドレス宛に「認証コード」（6桁の数字）を送信しました。",
    sentTo: "送信先",
    sentAt: "送信日時",
    expiresAt: "有効期限",
    matchSentAt: "メール本文の「送信日時」が上の送信日時と同じメールに記載された認証コードを入力してください。",
    newestOnly: "有効なのは最新のメールに記載された認証コードだけです。ログインをやり直すと新しい認証コードが送信され、前回の認証コードはご利用いただけなくなります。",
    code: "認証コード",
    codeHelp: "メールに記載された6桁の数字を入力してください。",
    noMailTitle: "認証コードが届かない場合",
    noMailLead: "次の点をご確認ください。",
    noMailOtherAddress: "お持ちの別のメールアドレスの受信フォルダに届いていないか",
    noMailSpam: "迷惑メールフォルダに振り分けられていないか",
    noMailDomain: "「@{domain}」からのメールを受信できる設定になっているか（設定後、もう一度ログインしてください）",
    noMailWrongAddress: "ご登録のメールアドレスが正しいか（相違している場合はコールセンターまでご連絡ください）",
    noMailFull: "メールボックスの容量が一杯になっていないか",
    noMailMore: "確認方法をくわしく見る",
    retryLogin: "ログイン画面へ戻る",
    myPageTitle: "マイページ",
    greeting: "{name} 様",
    previousLogin: "前回のログイン",
    firstLogin: "今回が初めてのログインです。",
    ip: "IPアドレス",
    device: "ご利用環境",
    time: "日時",
    importantMail: "重要メール",
    mfaStatus: "ログイン時多要素認証",
    mfaOn: "利用中",
    mfaOff: "解除中",
    mfaOffBanner:
      "ログイン時多要素認証が解除されています。不正アクセス防止のため、多要素認証の設定を強くお勧めします。再設定をご希望の場合は、コールセンターまでご連絡ください。",
    unrecognisedLogin:
      "身に覚えのないログインがある場合は、ただちにログインパスワードを変更し、コールセンター（{phone}）までご連絡ください。",
    logout: "ログアウト",
    callCenter: "お問い合わせ先：コールセンター {name}",
    contactName: "{brand}コールセンター",
    contactPhone: "フリーダイヤル {phone}",
    contactHours: "受付時間 {hours}",
    help: "よくあるご質問",
    helpTitle: "ログイン時多要素認証に関するQ&A",
    codeHelpTitle: "認証コードが届かない場合",
    allQuestions: "ログイン時多要素認証に関するQ&A（すべてのご質問）",
    questions: "ご質問の一覧",
    switchLang: "English",
    errorTitle: "エラー",
  },
  en: {
    ...ACCOUNT_TEXT.en,
    ...PASSKEY_TEXT.en,
    ...TRADING_PIN_TEXT.en,
    loginTitle: "Log in",
    loginId: "Login ID",
    password: "Password",
    loginButton: "Log in",
    loggedOut: "You have logged out. Thank you for using our service.",
    loginHelp: "Trouble logging in? (Questions and answers)",
    mfaTitle: "Login authentication code",
    mfaLead: "We have sent a 6-digit authentication code to your registered important-mail address.",
    sentTo: "Sent to",
    sentAt: "Sent at",
    expiresAt: "Valid until",
    matchSentAt: "Enter the code from the mail whose “Sent at” time is the one shown above.",
    newestOnly: "Only the code in the latest mail is valid. Logging in again sends a new code, and the previous code can no longer be used.",
    code: "Authentication code",
    codeHelp: "Enter the 6-digit number from the mail.",
    noMailTitle: "If the code does not arrive",
    noMailLead: "Please check:",
    noMailOtherAddress: "the inbox of any other mail address you have",
    noMailSpam: "your spam (junk) folder",
    noMailDomain: "that mail from “@{domain}” is allowed (then log in again)",
    noMailWrongAddress: "that your registered address is right (if not, please call the call center)",
    noMailFull: "that your mailbox is not full",
    noMailMore: "How to check each of these",
    retryLogin: "Back to login",
    myPageTitle: "My page",
    greeting: "Welcome, {name}",
    previousLogin: "Previous login",
    firstLogin: "This is your first login.",
    ip: "IP address",
    device: "Device",
    time: "Time",
    importantMail: "Important mail",
    mfaStatus: "Login multi-factor authentication",
    mfaOn: "On",
    mfaOff: "Off",
    mfaOffBanner:
      "Multi-factor authentication is turned off for your account. We strongly recommend turning it back on to prevent unauthorized access: please call the call center.",
    unrecognisedLogin: "If you see a login you do not recognise, change your password at once and call the call center ({phone}).",
    logout: "Log out",
    callCenter: "Call center: {name}",
    contactName: "{brand} call center",
    contactPhone: "{phone} (toll-free)",
    contactHours: "Hours: {hours}",
    help: "Questions and answers",
    helpTitle: "Login multi-factor authentication: questions and answers",
    codeHelpTitle: "If the authentication code does not arrive",
    allQuestions: "All questions and answers about login multi-factor authentication",
    questions: "Questions",
    switchLang: "日本語",
    errorTitle: "Error",
  },
} as const;

export type TextKey = keyof (typeof TEXT)["ja"];

/** The UI text for `key`, with `{name}` placeholders filled in. */
export function t(lang: Lang, key: TextKey, values?: Record<string, string>): string {
  let text: string = TEXT[lang][key];
  for (const [name, value] of Object.entries(values ?? {})) {
    text = text.replaceAll(`{${name}}`, value);
  }
  return text;
}
