import type { FastifyInstance, FastifyRequest } from "fastify";
import type { WebDeps } from "../app.ts";
import type { PendingCodeView } from "../../core/login/login.ts";
import { AuthError, InvalidCodeError, InvalidCredentialsError } from "../../core/kernel/errors.ts";
import { formatJapanTime } from "../../core/kernel/japan-time.ts";
import { DEVICE_COOKIE, PREAUTH_COOKIE, SESSION_COOKIE, deviceCookieOptions, clearedCookieOptions, preauthCookieOptions, sessionCookieOptions } from "../kernel/cookies.ts";
import { detectLang, langQuery } from "../kernel/i18n.ts";
import { refuse } from "../kernel/refusal.ts";
import { renderPage } from "../kernel/render.ts";
import { contextOf } from "../kernel/request-context.ts";
import { codeStepBody, parseBody, passwordStepBody } from "../kernel/validation.ts";
import { formPostOptions } from "../kernel/form-post.ts";

/** The HTML login flow: /login (ID + password) → /login/mfa (ログイン時多要素認証 入力) → /. */
export function registerLoginPages(app: FastifyInstance, deps: WebDeps): void {
  const { config, login, sessions } = deps;
  const pageBase = (request: FastifyRequest) => ({ lang: detectLang(request), brand: config.brand });
  const pendingView = (pending: PendingCodeView | null) =>
    pending === null
      ? null
      : { maskedEmail: pending.maskedEmail, sentAt: formatJapanTime(pending.sentAt), expiresAt: formatJapanTime(pending.expiresAt) };

  app.get("/login", async (request, reply) => {
    // After logout (/login?loggedOut=1): a confirmation, carried by the URL alone.
    const loggedOut = (request.query as Record<string, unknown> | undefined)?.["loggedOut"] === "1";
    return renderPage(reply, "login", pageBase(request), { loginId: "", error: null, invalid: false, loggedOut });
  });

  const formOnly = formPostOptions(app);

  app.post("/login", formOnly, async (request, reply) => {
    const base = pageBase(request);
    const q = langQuery(base.lang);
    let loginIdShown = "";
    try {
      const body = parseBody(passwordStepBody, request.body);
      loginIdShown = body.loginId.slice(0, 64);
      const result = await login.passwordStep({ ...body, deviceToken: request.cookies[DEVICE_COOKIE] }, contextOf(request));
      if (result.kind === "code_sent") {
        reply.setCookie(PREAUTH_COOKIE, result.preauthToken, preauthCookieOptions(config.codeTtlSeconds));
        return reply.redirect(`/login/mfa${q}`, 303);
      }
      reply.setCookie(SESSION_COOKIE, result.sessionToken, sessionCookieOptions());
      reply.setCookie(DEVICE_COOKIE, result.deviceToken, deviceCookieOptions());
      return reply.redirect(`/${q}`, 303);
    } catch (error) {
      if (!(error instanceof AuthError)) {
        throw error;
      }
      const { shown, status } = refuse(request, reply, error, base.lang);
      // A wrong ID or password marks both fields invalid (one message for both, by design).
      const invalid = shown.code === InvalidCredentialsError.code;
      return renderPage(reply, "login", base, { loginId: loginIdShown, error: shown, invalid, loggedOut: false }, status);
    }
  });

  app.get("/login/mfa", async (request, reply) => {
    const base = pageBase(request);
    const pending = await login.pendingCode(request.cookies[PREAUTH_COOKIE]);
    if (pending === null) {
      return reply.redirect(`/login${langQuery(base.lang)}`, 303);
    }
    return renderPage(reply, "login-mfa", base, { pending: pendingView(pending), error: null, invalid: false });
  });

  app.post("/login/mfa", formOnly, async (request, reply) => {
    const base = pageBase(request);
    const preauthToken = request.cookies[PREAUTH_COOKIE];
    try {
      const body = parseBody(codeStepBody, request.body);
      const result = await login.codeStep({ preauthToken, code: body.code, deviceToken: request.cookies[DEVICE_COOKIE] }, contextOf(request));
      reply.clearCookie(PREAUTH_COOKIE, clearedCookieOptions());
      reply.setCookie(SESSION_COOKIE, result.sessionToken, sessionCookieOptions());
      reply.setCookie(DEVICE_COOKIE, result.deviceToken, deviceCookieOptions());
      return reply.redirect(`/${langQuery(base.lang)}`, 303);
    } catch (error) {
      if (!(error instanceof AuthError)) {
        throw error;
      }
      const { shown, status } = refuse(request, reply, error, base.lang);
      // While the code is still pending the form stays; otherwise only the way back to /login.
      const pending = await login.pendingCode(preauthToken);
      if (pending === null) {
        reply.clearCookie(PREAUTH_COOKIE, clearedCookieOptions());
      }
      const invalid = pending !== null && shown.code === InvalidCodeError.code;
      return renderPage(reply, "login-mfa", base, { pending: pendingView(pending), error: shown, invalid }, status);
    }
  });

  app.post("/logout", formOnly, async (request, reply) => {
    await sessions.end(request.cookies[SESSION_COOKIE], contextOf(request));
    reply.clearCookie(SESSION_COOKIE, clearedCookieOptions());
    const lang = detectLang(request) === "en" ? "&lang=en" : "";
    return reply.redirect(`/login?loggedOut=1${lang}`, 303);
  });
}
