import type { FastifyInstance, FastifyRequest } from "fastify";

export type Lang = "ja" | "en";

declare module "fastify" {
  interface FastifyRequest {
    /** The reader's language, read when the request arrives (a route's query schema keeps only the fields it checks). */
    lang?: Lang;
  }
}

/**
 * Japanese first. English when asked for with `?lang=en`, or when the
 * browser's first Accept-Language preference is English.
 */
export function detectLang(request: FastifyRequest): Lang {
  return request.lang ?? langAsked(request);
}

/** Reads the language once per request, before anything can refuse it or a schema replace its query. */
export function rememberLang(app: FastifyInstance): void {
  app.addHook("onRequest", async (request) => {
    request.lang = langAsked(request);
  });
}

function langAsked(request: FastifyRequest): Lang {
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
 *
 * Here the texts of the kernel's views (the layout, the error page, the call center's block)
 * and the form fields several features share; each feature keeps its own in its folder.
 */
export const KERNEL_TEXT = {
  ja: {
    loginId: "ログインID",
    password: "ログインパスワード",
    sentTo: "送信先",
    sentAt: "送信日時",
    expiresAt: "有効期限",
    matchSentAt: "メール本文の「送信日時」が上の送信日時と同じメールに記載された認証コードを入力してください。",
    code: "認証コード",
    codeHelp: "メールに記載された6桁の数字を入力してください。",
    resendCode: "認証コードを再送信",
    retryLogin: "ログイン画面へ戻る",
    callCenter: "お問い合わせ先：コールセンター {name}",
    contactName: "{brand}コールセンター",
    contactPhone: "フリーダイヤル {phone}",
    contactHours: "受付時間 {hours}",
    help: "よくあるご質問",
    switchLang: "English",
    errorTitle: "エラー",
    otherHostTitle: "このアドレスではご利用いただけません",
    otherHostLead: "このアドレスでは、ログインなどの操作ができません。お手数ですが、次のアドレスからアクセスしてください。",
    otherHostBookmark: "ブックマークに登録している場合は、上のアドレスで登録し直してください。",
  },
  en: {
    loginId: "Login ID",
    password: "Password",
    sentTo: "Sent to",
    sentAt: "Sent at",
    expiresAt: "Valid until",
    matchSentAt: "Enter the code from the mail whose “Sent at” time is the one shown above.",
    code: "Authentication code",
    codeHelp: "Enter the 6-digit number from the mail.",
    resendCode: "Send a new code",
    retryLogin: "Back to login",
    callCenter: "Contact: {name}",
    contactName: "{brand} call center",
    contactPhone: "{phone} (toll-free)",
    contactHours: "Hours: {hours}",
    help: "Questions and answers",
    switchLang: "日本語",
    errorTitle: "Error",
    otherHostTitle: "Please use our address",
    otherHostLead: "Logging in and the other forms do not work at this address. Please open the page at:",
    otherHostBookmark: "If you bookmarked this page, please bookmark the address above instead.",
  },
} as const;

/**
 * Every key of the UI text: the kernel's, and each feature's (its i18n-<feature>.ts), which its
 * plugin file adds with `declare module`. src/web/ui-text.ts merges the tables, and the compiler
 * insists that each key has its Japanese and its English.
 */
export interface UiTexts extends Record<keyof (typeof KERNEL_TEXT)["ja"], string> {}

export type TextKey = keyof UiTexts;

/** Every text in both languages. */
export type TextTable = Record<Lang, Readonly<UiTexts>>;

let texts: TextTable | null = null;

/** The table `t` reads (src/web/ui-text.ts); set by the app's build, before any request. */
export function useTexts(table: TextTable): void {
  texts = table;
}

/** The UI text for `key`, with `{name}` placeholders filled in. */
export function t(lang: Lang, key: TextKey, values?: Record<string, string>): string {
  if (texts === null) {
    throw new Error("UI texts not loaded: the app's build sets them (useTexts)");
  }
  let text: string = texts[lang][key];
  if (values === undefined) {
    // Most texts have no placeholders: no entries to walk (a page calls this some 30 times).
    return text;
  }
  for (const [name, value] of Object.entries(values)) {
    text = text.replaceAll(`{${name}}`, value);
  }
  return text;
}
