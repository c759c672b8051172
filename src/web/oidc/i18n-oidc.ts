/**
 * The OpenID Provider's pages (issue 20): a trading site's login that cannot go on, the passkey
 * a trading site asks for, and the logout a trading site starts. Merged into the UI text (src/web/ui-text.ts).
 */
export const OIDC_TEXT = {
  ja: {
    oidcErrorTitle: "ご利用のサービスへのログインを続けられませんでした",
    oidcInteractionGone: "このログインの手続きは、有効期限が切れたか、すでに終わっています。お手数ですが、ご利用のサービスの画面からもう一度ログインしてください。",
    oidcRequestRefused: "ご利用のサービスからのログインのご依頼を受け付けられませんでした。お手数ですが、ご利用のサービスの画面からもう一度お試しください。解決しない場合は、そのサービスの窓口へお問い合わせください。",
    oidcErrorDetail: "エラーの種類：{error}",
    oidcPasskeyTitle: "パスキーで本人確認",
    oidcPasskeyLead: "「{client}」が、パスキーでの本人確認を求めています。お使いの端末のパスキーで、もう一度ログインしてください。",
    oidcPasskeyCancel: "ご利用のサービスに戻る",
    oidcContinueTitle: "ご利用のサービスに戻ります",
    oidcContinueLead: "ログインしました。ご利用のサービスの画面に戻ります。",
    oidcLogoutTitle: "ログアウトの確認",
    oidcLogoutLead: "{brand}からログアウトしますか？連携しているサービスからも、すべてログアウトします。",
    oidcLogoutYes: "ログアウトする",
    oidcLogoutNo: "ログアウトしない",
    oidcLoggedOutTitle: "ログアウトしました",
    oidcLoggedOut: "ログアウトしました。ご利用ありがとうございました。",
    oidcLoggedOutFrom: "「{client}」からのご依頼でログアウトしました。",
  },
  en: {
    oidcErrorTitle: "We could not continue your login to the service",
    oidcInteractionGone: "This login has expired or is already finished. Please log in again from the service you were using.",
    oidcRequestRefused: "We could not accept the login request from the service you were using. Please try again from that service's page. If this does not help, please contact that service.",
    oidcErrorDetail: "Error type: {error}",
    oidcPasskeyTitle: "Confirm with your passkey",
    oidcPasskeyLead: "\u201c{client}\u201d asks you to confirm it is you with a passkey. Please log in again with the passkey on your device.",
    oidcPasskeyCancel: "Back to the service",
    oidcContinueTitle: "Back to the service",
    oidcContinueLead: "You are logged in. Taking you back to the service you were using.",
    oidcLogoutTitle: "Log out?",
    oidcLogoutLead: "Do you want to log out of {brand}? You will be logged out of every connected service as well.",
    oidcLogoutYes: "Log out",
    oidcLogoutNo: "Stay logged in",
    oidcLoggedOutTitle: "You have logged out",
    oidcLoggedOut: "You have logged out. Thank you for using our services.",
    oidcLoggedOutFrom: "You logged out at the request of \u201c{client}\u201d.",
  },
} as const;
