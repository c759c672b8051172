/**
 * The titles of the help pages (/help, /help/code-not-received); their questions and answers
 * are views of their own, one per language. Merged into the UI text (src/web/ui-text.ts).
 */
export const HELP_TEXT = {
  ja: {
    helpTitle: "ログイン時多要素認証に関するQ&A",
    codeHelpTitle: "認証コードが届かない場合",
    allQuestions: "ログイン時多要素認証に関するQ&A（すべてのご質問）",
    questions: "ご質問の一覧",
  },
  en: {
    helpTitle: "Login multi-factor authentication: questions and answers",
    codeHelpTitle: "If the authentication code does not arrive",
    allQuestions: "All questions and answers about login multi-factor authentication",
    questions: "Questions",
  },
} as const;
