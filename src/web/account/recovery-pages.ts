import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { WebDeps } from "../app.ts";
import { AuthError, InvalidCodeError, PasswordRejectedError } from "../../core/kernel/errors.ts";
import { RESET_COOKIE, clearedCookieOptions, preauthCookieOptions } from "../kernel/cookies.ts";
import { detectLang, langQuery } from "../kernel/i18n.ts";
import { refuse } from "../kernel/refusal.ts";
import { renderPage } from "../kernel/render.ts";
import type { PageBase } from "../kernel/render.ts";
import { contextOf } from "../kernel/request-context.ts";
import { loginIdRemindBody, parseBody, passwordResetBody, passwordResetCompleteBody } from "../kernel/validation.ts";
import { formPostOptions } from "../kernel/form-post.ts";

/**
 * パスワードをお忘れの方 (`/password/forgot`, issue 11 item 5) and ログインIDをお忘れの方
 * (`/login-id/forgot`, item 6), linked from the login page; no session. The same core calls
 * as api-v1-recovery.ts, and like it the first step answers the same whatever matched.
 */
export function registerRecoveryPages(app: FastifyInstance, deps: WebDeps): void {
  const { config, passwordReset, loginIdReminder } = deps;
  const formOnly = formPostOptions(app);
  const base = (request: FastifyRequest): PageBase => ({ lang: detectLang(request), brand: config.brand });
  const refused = (request: FastifyRequest, reply: FastifyReply, error: unknown, view: string, data: Record<string, unknown>): FastifyReply => {
    if (!(error instanceof AuthError)) {
      throw error;
    }
    const page = base(request);
    const { shown, status } = refuse(request, reply, error, page.lang);
    return renderPage(reply, view, page, { ...data, error: shown, invalid: true, invalidField: shown.code === PasswordRejectedError.code ? "newPassword" : shown.code === InvalidCodeError.code ? "code" : null }, status);
  };
  const fresh = { error: null, invalid: false, invalidField: null, loginId: "", email: "", birthDate: "" };

  app.get("/password/forgot", async (request, reply) => {
    return renderPage(reply, "password-forgot", base(request), fresh);
  });

  app.post("/password/forgot", formOnly, async (request, reply) => {
    let shown = { loginId: "", birthDate: "" };
    try {
      const body = parseBody(passwordResetBody, request.body);
      shown = { loginId: body.loginId.slice(0, 64), birthDate: body.birthDate.slice(0, 10) };
      const { resetToken } = await passwordReset.request(body, contextOf(request));
      // Always a fresh token, so the cookie says no more than the next screen does.
      reply.setCookie(RESET_COOKIE, resetToken, preauthCookieOptions(config.codeTtlSeconds));
      return reply.redirect(`/password/forgot/code${langQuery(detectLang(request))}`, 303);
    } catch (error) {
      return refused(request, reply, error, "password-forgot", { ...fresh, ...shown });
    }
  });

  // The same screen whether or not anything matched; without the cookie, back to the start.
  app.get("/password/forgot/code", async (request, reply) => {
    if ((request.cookies[RESET_COOKIE] ?? "") === "") {
      return reply.redirect(`/password/forgot${langQuery(detectLang(request))}`, 303);
    }
    return renderPage(reply, "password-forgot-code", base(request), fresh);
  });

  app.post("/password/forgot/code", formOnly, async (request, reply) => {
    try {
      const body = parseBody(passwordResetCompleteBody, request.body);
      await passwordReset.complete(request.cookies[RESET_COOKIE], body, contextOf(request));
    } catch (error) {
      return refused(request, reply, error, "password-forgot-code", fresh);
    }
    reply.clearCookie(RESET_COOKIE, clearedCookieOptions());
    return reply.redirect(`/password/forgot/done${langQuery(detectLang(request))}`, 303);
  });

  app.get("/password/forgot/done", async (request, reply) => {
    return renderPage(reply, "password-forgot-done", base(request), {});
  });

  app.get("/login-id/forgot", async (request, reply) => {
    const sent = (request.query as Record<string, unknown> | undefined)?.["sent"] === "1";
    return renderPage(reply, "login-id-forgot", base(request), { ...fresh, sent });
  });

  app.post("/login-id/forgot", formOnly, async (request, reply) => {
    let shown = { email: "", birthDate: "" };
    try {
      const body = parseBody(loginIdRemindBody, request.body);
      shown = { email: body.email.slice(0, 320), birthDate: body.birthDate.slice(0, 10) };
      await loginIdReminder.remind(body, contextOf(request));
      return reply.redirect(`/login-id/forgot?${detectLang(request) === "en" ? "lang=en&" : ""}sent=1`, 303);
    } catch (error) {
      return refused(request, reply, error, "login-id-forgot", { ...fresh, ...shown, sent: false });
    }
  });
}
