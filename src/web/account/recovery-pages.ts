import type { FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { InvalidCodeError, PasswordRejectedError } from "../../core/kernel/errors.ts";
import type { AuthError } from "../../core/kernel/errors.ts";
import { formPostOptions } from "../kernel/content-type.ts";
import { RESET_COOKIE, clearedCookieOptions, preauthCookieOptions } from "../kernel/cookies.ts";
import { attemptOrShowAgain, typedAgain } from "../kernel/form-page.ts";
import type { ShownRefusal } from "../kernel/form-page.ts";
import { detectLang, langQuery } from "../kernel/i18n.ts";
import type { WebPlugin } from "../kernel/plugin.ts";
import { renderPage } from "../kernel/render.ts";
import type { PageBase } from "../kernel/render.ts";
import { contextOf } from "../kernel/request-context.ts";
import { queryWord } from "../kernel/route-parameters.ts";
import { birthDateOf, loginIdRemindForm, parseBody, passwordResetCompleteForm, passwordResetForm, requireTypedTwice, typedTwiceDifferently } from "../kernel/validation.ts";
import type { AccountWebOptions } from "./account-plugin.ts";

// After the login ID was asked for (/login-id/forgot?sent=1): the same answer whatever matched.
const loginIdForgotQuery = z.object({ sent: queryWord("1") });

/**
 * パスワードをお忘れの方 (`/password/forgot`, issue 11 item 5) and ログインIDをお忘れの方
 * (`/login-id/forgot`, item 6), linked from the login page; no session. The same core calls
 * as api-v1-recovery.ts, and like it the first step answers the same whatever matched.
 */
export const recoveryPages: WebPlugin<AccountWebOptions> = async (app, { brand, codeTtlSeconds, passwordReset, loginIdReminder }) => {
  const formOnly = formPostOptions(app);
  const base = (request: FastifyRequest): PageBase => ({ lang: detectLang(request), brand });
  const showAgain =
    (request: FastifyRequest, reply: FastifyReply, view: string, data: () => Record<string, unknown>) =>
    ({ shown, status }: ShownRefusal): FastifyReply =>
      renderPage(reply, view, base(request), { ...data(), error: shown, invalid: true }, status);
  const fresh = { error: null, invalid: false, invalidField: null, loginId: "", email: "", birthYear: "", birthMonth: "", birthDay: "" };

  app.get("/password/forgot", async (request, reply) => {
    return renderPage(reply, "password-forgot", base(request), fresh);
  });

  app.post("/password/forgot", formOnly, async (request, reply) => {
    const shown = (): Record<string, string> => typedAgain(request, ["loginId", ...BIRTH_DATE_FIELDS], []).typed;
    return attemptOrShowAgain(request, reply, showAgain(request, reply, "password-forgot", () => ({ ...fresh, ...shown() })), async () => {
      const { loginId, ...birthDate } = parseBody(passwordResetForm, request.body);
      const { resetToken } = await passwordReset.request({ loginId, birthDate: birthDateOf(birthDate) }, contextOf(request));
      // Always a fresh token, so the cookie says no more than the next screen does.
      reply.setCookie(RESET_COOKIE, resetToken, preauthCookieOptions(codeTtlSeconds));
      return reply.redirect(`/password/forgot/code${langQuery(detectLang(request))}`, 303);
    });
  });

  // The same screen whether or not anything matched; without the cookie, back to the start.
  app.get("/password/forgot/code", async (request, reply) => {
    if ((request.cookies[RESET_COOKIE] ?? "") === "") {
      return reply.redirect(`/password/forgot${langQuery(detectLang(request))}`, 303);
    }
    return renderPage(reply, "password-forgot-code", base(request), fresh);
  });

  app.post("/password/forgot/code", formOnly, async (request, reply) => {
    // Issue 21 item 4: what was typed stays but the wrong fields; the wrong one has the focus.
    const showCodeAgain = ({ shown, status, error }: ShownRefusal): FastifyReply =>
      renderPage(reply, "password-forgot-code", base(request), { ...fresh, error: shown, ...typedAgain(request, RESET_FIELDS, wrongFieldsOf(error)) }, status);
    return attemptOrShowAgain(request, reply, showCodeAgain, async () => {
      const { newPasswordConfirm, ...body } = parseBody(passwordResetCompleteForm, request.body);
      requireTypedTwice(body.newPassword, newPasswordConfirm, "password");
      await passwordReset.complete(request.cookies[RESET_COOKIE], body, contextOf(request));
      reply.clearCookie(RESET_COOKIE, clearedCookieOptions());
      return reply.redirect(`/password/forgot/done${langQuery(detectLang(request))}`, 303);
    });
  });

  app.get("/password/forgot/done", async (request, reply) => {
    return renderPage(reply, "password-forgot-done", base(request), {});
  });

  app.get("/login-id/forgot", { schema: { querystring: loginIdForgotQuery } }, async (request, reply) => {
    return renderPage(reply, "login-id-forgot", base(request), { ...fresh, sent: request.query.sent === "1" });
  });

  app.post("/login-id/forgot", formOnly, async (request, reply) => {
    const shown = (): Record<string, string> => typedAgain(request, ["email", ...BIRTH_DATE_FIELDS], []).typed;
    return attemptOrShowAgain(request, reply, showAgain(request, reply, "login-id-forgot", () => ({ ...fresh, ...shown(), sent: false })), async () => {
      const { email, ...birthDate } = parseBody(loginIdRemindForm, request.body);
      await loginIdReminder.remind({ email, birthDate: birthDateOf(birthDate) }, contextOf(request));
      return reply.redirect(`/login-id/forgot?${detectLang(request) === "en" ? "lang=en&" : ""}sent=1`, 303);
    });
  });
};

/** The reset's step 2, in the page's order. */
const RESET_FIELDS = ["code", "newPassword", "newPasswordConfirm"] as const;

/** The date of birth as the recovery forms ask it: 年 / 月 / 日 (issue 21 item 10). */
const BIRTH_DATE_FIELDS = ["birthYear", "birthMonth", "birthDay"] as const;

/** The fields an error of the reset's step 2 empties, the first focused: both entries of the new password, or the code. */
function wrongFieldsOf(error: AuthError): string[] {
  if (error.code === PasswordRejectedError.code || typedTwiceDifferently(error)) {
    return ["newPassword", "newPasswordConfirm"];
  }
  return error.code === InvalidCodeError.code ? ["code"] : [];
}
