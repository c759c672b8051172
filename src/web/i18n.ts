import type { FastifyRequest } from "fastify";

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

const TEXT = {
  ja: {
    loginTitle: "ログイン",
    loginId: "ログインID",
    password: "ログインパスワード",
    loginButton: "ログイン",
    mfaTitle: "ログイン時多要素認証 入力",
    mfaLead: "「重要メール」に登録されているメールアドレス宛に「認証コード」(6桁の数字)を送信しました。",
    sentTo: "送信先",
    sentAt: "送信日時",
    expiresAt: "有効期限",
    code: "認証コード",
    codeHelp: "メールに記載された6桁の数字を入力してください。",
    noMail: "認証コードが届かない場合は、迷惑メールフォルダをご確認のうえ、@{domain} からのメールを受信できるよう設定して、再度ログインしてください。",
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
      "ログイン時多要素認証が解除されています。不正アクセス防止のため、多要素認証の設定を強くお勧めします。再設定はコールセンター({phone} {hours})までご連絡ください。",
    unrecognisedLogin:
      "身に覚えのないログインがある場合は、ただちにログインパスワードを変更し、コールセンター({phone})までご連絡ください。",
    logout: "ログアウト",
    callCenter: "お問い合わせ先: コールセンター {name} (フリーダイヤル) {phone} 受付時間 {hours}",
    switchLang: "English",
    errorTitle: "エラー",
  },
  en: {
    loginTitle: "Log in",
    loginId: "Login ID",
    password: "Password",
    loginButton: "Log in",
    mfaTitle: "Login authentication code",
    mfaLead: "We have sent a 6-digit authentication code to your registered important-mail address.",
    sentTo: "Sent to",
    sentAt: "Sent at",
    expiresAt: "Valid until",
    code: "Authentication code",
    codeHelp: "Enter the 6-digit number from the mail.",
    noMail: "No mail? Check your spam folder, allow mail from @{domain}, and log in again.",
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
      "Multi-factor authentication is turned off for your account. We strongly recommend turning it back on to prevent unauthorized access: please call the call center ({phone}, {hours}).",
    unrecognisedLogin: "If you see a login you do not recognise, change your password at once and call the call center ({phone}).",
    logout: "Log out",
    callCenter: "Call center: {name} {phone} (toll-free) {hours}",
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
