/**
 * The titles of the help pages (/help, /help/code-not-received, /help/passkeys, /help/freeze);
 * their questions and answers are views of their own, one per language. Merged into the UI text
 * (src/web/ui-text.ts).
 */
export const HELP_TEXT = {
  ja: {
    helpTitle: "ログイン時多要素認証に関するQ&A",
    codeHelpTitle: "認証コードが届かない場合",
    allQuestions: "ログイン時多要素認証に関するQ&A（すべてのご質問）",
    questions: "ご質問の一覧",
    moreHelp: "そのほかのご案内",
    passkeysHelpTitle: "パスキーについて",
    freezeHelpTitle: "口座の凍結（ログイン停止）について",
  },
  en: {
    helpTitle: "Login multi-factor authentication: questions and answers",
    codeHelpTitle: "If the authentication code does not arrive",
    allQuestions: "All questions and answers about login multi-factor authentication",
    questions: "Questions",
    moreHelp: "More help",
    passkeysHelpTitle: "About passkeys",
    freezeHelpTitle: "About freezing your account (stopping logins)",
  },
} as const;
