import type { Brand } from "../../core/kernel/brand.ts";
import type { LoginHistoryStore } from "../../core/kernel/ports.ts";
import type { SessionService } from "../../core/login/session.ts";
import type { LoginHistory } from "../../core/account/login-history.ts";
import type { PasswordChange } from "../../core/account/password-change.ts";
import type { AccountFreeze } from "../../core/account/account-freeze.ts";
import type { PasswordReset } from "../../core/account/password-reset.ts";
import type { LoginIdReminder } from "../../core/account/login-id-reminder.ts";
import type { NoticeSettings } from "../../core/account/notice-settings.ts";
import type { ConnectedServices } from "../../core/oidc/connected-services.ts";
import type { WebPlugin } from "../kernel/plugin.ts";
import { myPage } from "./my-page.ts";
import { historyAndSessionsPages } from "./history-sessions-pages.ts";
import { freezeDonePage, passwordPages } from "./password-pages.ts";
import { recoveryPages } from "./recovery-pages.ts";
import { accountApi } from "./api-v1-account.ts";
import { recoveryApi } from "./api-v1-recovery.ts";
import type { ACCOUNT_TEXT } from "./i18n-account.ts";

/** What the customer's own pages and their API need. */
export interface AccountWebOptions {
  brand: Brand;
  /** How long a forgotten-password code (and the cookie that names it) lives. */
  codeTtlSeconds: number;
  sessions: Pick<SessionService, "authenticate" | "authenticateBearer" | "listLive" | "endOne" | "endOthers">;
  /** マイページ's previous login. */
  history: Pick<LoginHistoryStore, "recent">;
  /** ログイン履歴: logins and failed attempts; マイページ's wrong passwords since the previous login. */
  loginHistory: Pick<LoginHistory, "page" | "wrongPasswordsSince">;
  /** Password change with the current password and a fresh emailed code. */
  passwordChange: Pick<PasswordChange, "sendCode" | "change" | "latestCode">;
  /** "Freeze my account" (seed Q9): every login refused until the call center reopens it. */
  accountFreeze: Pick<AccountFreeze, "freeze">;
  /** Forgotten password: login ID + date of birth + an emailed code. */
  passwordReset: Pick<PasswordReset, "request" | "complete">;
  /** Forgotten login ID: mailed to the 重要メール only. */
  loginIdReminder: Pick<LoginIdReminder, "remind">;
  /** お知らせ設定 (login notices). */
  noticeSettings: Pick<NoticeSettings, "setEveryLogin">;
  /** 「連携中のサービス」 on ご利用中の端末 (issue 20 item 8): listed, and one ended by the customer. */
  connectedServices: Pick<ConnectedServices, "list" | "end">;
}

/**
 * The customer's own security (issue 11): マイページ, ログイン履歴, ご利用中の端末, パスワード変更 and
 * 口座の凍結 behind the session, the forgotten password and login ID without one, and the same as
 * JSON for the smartphone app.
 */
export const accountPlugin: WebPlugin<AccountWebOptions> = async (app, options) => {
  await app.register(myPage, options);
  await app.register(historyAndSessionsPages, options);
  await app.register(passwordPages, options);
  await app.register(freezeDonePage, options);
  await app.register(recoveryPages, options);
  await app.register(accountApi, { ...options, prefix: "/api/v1" });
  await app.register(recoveryApi, { ...options, prefix: "/api/v1" });
};

// Its texts (i18n-account.ts) join the UI text, so `t` and TextKey know their keys.
declare module "../kernel/i18n.ts" {
  interface UiTexts extends Record<keyof (typeof ACCOUNT_TEXT)["ja"], string> {}
}
