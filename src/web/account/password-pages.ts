import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { WebDeps } from "../app.ts";
import { AuthError, InvalidCodeError, InvalidCredentialsError, PasswordRejectedError } from "../../core/kernel/errors.ts";
import { formatJapanTime } from "../../core/kernel/japan-time.ts";
import { SESSION_COOKIE, clearedCookieOptions } from "../kernel/cookies.ts";
import { detectLang, langQuery } from "../kernel/i18n.ts";
import { refuse } from "../kernel/refusal.ts";
import { renderPage } from "../kernel/render.ts";
import type { PageBase } from "../kernel/render.ts";
import { contextOf } from "../kernel/request-context.ts";
import { sessionOrLogin } from "../kernel/page-session.ts";
import { freezeBody, parseBody, passwordChangeBody } from "../kernel/validation.ts";
import { formPostOptions } from "../kernel/form-post.ts";

/** Which field an error belongs to, for aria-invalid: the current password, the new one or the code. */
function fieldInError(code: string): "currentPassword" | "newPassword" | "code" | null {
  if (code === InvalidCredentialsError.code) {
    return "currentPassword";
  }
  if (code === PasswordRejectedError.code) {
    return "newPassword";
  }
  return code === InvalidCodeError.code ? "code" : null;
}

/**
 * パスワード変更 (`/password`, issue 11 item 4) and 口座の凍結 (`/freeze`, item 7): the same core
 * calls as POST /api/v1/password/code, POST /api/v1/password and POST /api/v1/account/freeze.
 */
export function registerPasswordPages(app: FastifyInstance, deps: WebDeps): void {
  const { config, sessions, passwordChange, accountFreeze } = deps;
  const formOnly = formPostOptions(app);
  const base = (request: FastifyRequest): PageBase => ({ lang: detectLang(request), brand: config.brand });
  const refused = (request: FastifyRequest, reply: FastifyReply, error: unknown, view: string, data: Record<string, unknown>): FastifyReply => {
    if (!(error instanceof AuthError)) {
      throw error;
    }
    const page = base(request);
    const { shown, status } = refuse(request, reply, error, page.lang);
    return renderPage(reply, view, page, { ...data, error: shown, invalidField: fieldInError(shown.code) }, status);
  };

  // Step 1 (the button that mails the code), or after a change the confirmation (?changed=1).
  app.get("/password", async (request, reply) => {
    const current = await sessionOrLogin(sessions, request, reply);
    if (current === null) {
      return reply;
    }
    const changed = (request.query as Record<string, unknown> | undefined)?.["changed"] === "1";
    return renderPage(reply, changed ? "password-changed" : "password", base(request), { sent: null, step: 1, error: null, invalidField: null });
  });

  // Mails the code and shows step 2 with where and when it went (a newer request supersedes it).
  app.post("/password/code", formOnly, async (request, reply) => {
    const current = await sessionOrLogin(sessions, request, reply);
    if (current === null) {
      return reply;
    }
    try {
      const sent = await passwordChange.sendCode(current, contextOf(request));
      const view = { maskedEmail: sent.maskedEmail, sentAt: formatJapanTime(sent.sentAt), expiresAt: formatJapanTime(sent.expiresAt) };
      return renderPage(reply, "password", base(request), { sent: view, step: 2, error: null, invalidField: null });
    } catch (error) {
      return refused(request, reply, error, "password", { sent: null, step: 1 });
    }
  });

  app.post("/password", formOnly, async (request, reply) => {
    const current = await sessionOrLogin(sessions, request, reply);
    if (current === null) {
      return reply;
    }
    try {
      const body = parseBody(passwordChangeBody, request.body);
      await passwordChange.change(current, body, contextOf(request));
      const q = langQuery(detectLang(request));
      return reply.redirect(`/password?${q === "" ? "" : "lang=en&"}changed=1`, 303);
    } catch (error) {
      // The form stays, with a button for a new code (one that expired or was used up needs it).
      return refused(request, reply, error, "password", { sent: null, step: 2 });
    }
  });

  app.get("/freeze", async (request, reply) => {
    const current = await sessionOrLogin(sessions, request, reply);
    if (current === null) {
      return reply;
    }
    return renderPage(reply, "freeze", base(request), { error: null, invalidField: null });
  });

  app.post("/freeze", formOnly, async (request, reply) => {
    const current = await sessionOrLogin(sessions, request, reply);
    if (current === null) {
      return reply;
    }
    try {
      const body = parseBody(freezeBody, request.body);
      await accountFreeze.freeze(current, body.password, contextOf(request));
    } catch (error) {
      return refused(request, reply, error, "freeze", {});
    }
    reply.clearCookie(SESSION_COOKIE, clearedCookieOptions());
    return reply.redirect(`/freeze/done${langQuery(detectLang(request))}`, 303);
  });

  // No session any more: the page says only what happened and how to reopen, nothing of the account.
  app.get("/freeze/done", async (request, reply) => {
    return renderPage(reply, "freeze-done", base(request), {});
  });
}
