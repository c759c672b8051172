/**
 * The text of the login flow (/login, /login/mfa) and its 「認証コードが届かない場合」 summary.
 * Merged into the UI text (src/web/ui-text.ts); `{phone}` and `{hours}` as in kernel/i18n.ts.
 */
export const LOGIN_TEXT = {
  ja: {
    loginTitle: "ログイン",
    loginButton: "ログイン",
    loggedOut: "ログアウトしました。ご利用ありがとうございました。",
    loginHelp: "ログインでお困りの方へ（よくあるご質問）",
    mfaTitle: "ログイン時多要素認証 入力",
    mfaLead: "「重要メール」に登録されているメールアドレス宛に「認証コード」（6桁の数字）を送信しました。",
    newestOnly: "有効なのは最新のメールに記載された認証コードだけです。ログインをやり直すと新しい認証コードが送信され、前回の認証コードはご利用いただけなくなります。",
    noMailTitle: "認証コードが届かない場合",
    noMailLead: "次の点をご確認ください。",
    noMailOtherAddress: "お持ちの別のメールアドレスの受信フォルダに届いていないか",
    noMailSpam: "迷惑メールフォルダに振り分けられていないか",
    noMailDomain: "「@{domain}」からのメールを受信できる設定になっているか（設定後、もう一度ログインしてください）",
    noMailWrongAddress: "ご登録のメールアドレスが正しいか（相違している場合はコールセンターまでご連絡ください）",
    noMailFull: "メールボックスの容量が一杯になっていないか",
    noMailLate: "メールの到着が遅れていないか（数分かかることがあります。届いたメールの「送信日時」が上の送信日時と同じかご確認ください）",
    noMailMore: "確認方法をくわしく見る",
  },
  en: {
    loginTitle: "Log in",
    loginButton: "Log in",
    loggedOut: "You have logged out. Thank you for using our service.",
    loginHelp: "Trouble logging in? (Questions and answers)",
    mfaTitle: "Login authentication code",
    mfaLead: "We have sent a 6-digit authentication code to your registered important-mail address.",
    newestOnly: "Only the code in the latest mail is valid. Logging in again sends a new code, and the previous code can no longer be used.",
    noMailTitle: "If the code does not arrive",
    noMailLead: "Please check:",
    noMailOtherAddress: "the inbox of any other mail address you have",
    noMailSpam: "your spam (junk) folder",
    noMailDomain: "that mail from “@{domain}” is allowed (then log in again)",
    noMailWrongAddress: "that your registered address is right (if not, please call the call center)",
    noMailFull: "that your mailbox is not full",
    noMailLate: "whether the mail is only late (it can take a few minutes; its “Sent at” time should match the one above)",
    noMailMore: "How to check each of these",
  },
} as const;
