import type { Brand } from "../../core/kernel/brand.ts";
import type { LoginService } from "../../core/login/login.ts";
import type { SessionService } from "../../core/login/session.ts";
import type { WebPlugin } from "../kernel/plugin.ts";
import { loginPages } from "./login-pages.ts";
import { codePages } from "./code-pages.ts";
import { loginApi, sessionApi } from "./api-v1.ts";
import type { LOGIN_TEXT } from "./i18n-login.ts";

/** What the login flow needs. */
export interface LoginWebOptions {
  brand: Brand;
  /** How long a code (and the pre-auth cookie that names it) lives. */
  codeTtlSeconds: number;
  login: Pick<LoginService, "passwordStep" | "codeStep" | "codeScreen" | "resendCode" | "loginIdToRestart">;
  sessions: Pick<SessionService, "authenticate" | "authenticateBearer" | "end">;
}

/**
 * Logging in and out: the pages (/login → /login/mfa → /), the same flow as JSON for the
 * smartphone app (/api/v1/login…), and GET /api/v1/session for a logged-in customer.
 */
export const loginPlugin: WebPlugin<LoginWebOptions> = async (app, options) => {
  await app.register(loginPages, options);
  await app.register(codePages, options);
  await app.register(loginApi, { ...options, prefix: "/api/v1" });
  await app.register(sessionApi, { ...options, prefix: "/api/v1" });
};

// Its texts (i18n-login.ts) join the UI text, so `t` and TextKey know their keys.
declare module "../kernel/i18n.ts" {
  interface UiTexts extends Record<keyof (typeof LOGIN_TEXT)["ja"], string> {}
}
