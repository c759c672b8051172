import type { FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { InvalidCodeError, InvalidCredentialsError, PasswordRejectedError } from "../../core/kernel/errors.ts";
import type { AuthError } from "../../core/kernel/errors.ts";
import { formPostOptions } from "../kernel/content-type.ts";
import { SESSION_COOKIE, clearedCookieOptions } from "../kernel/cookies.ts";
import { customerPages, sessionOf } from "../kernel/customer-session.ts";
import { attemptOrShowAgain, sentCodeView, typedAgain } from "../kernel/form-page.ts";
import type { ShownRefusal } from "../kernel/form-page.ts";
import { detectLang, langQuery } from "../kernel/i18n.ts";
import type { WebPlugin } from "../kernel/plugin.ts";
import { renderPage } from "../kernel/render.ts";
import type { PageBase } from "../kernel/render.ts";
import { contextOf } from "../kernel/request-context.ts";
import { queryWord } from "../kernel/route-parameters.ts";
import { freezeBody, parseBody, passwordChangeForm, requireTypedTwice, typedTwiceDifferently } from "../kernel/validation.ts";
import type { AccountWebOptions } from "./account-plugin.ts";

/** The fields of step 2, in the page's order. */
const CHANGE_FIELDS = ["currentPassword", "newPassword", "newPasswordConfirm", "code"] as const;

/** The fields an error of step 2 empties, the first focused: the current password, both entries of the new one, or the code. */
function wrongFieldsOf(error: AuthError): string[] {
  if (error.code === InvalidCredentialsError.code) {
    return ["currentPassword"];
  }
  if (error.code === PasswordRejectedError.code || typedTwiceDifferently(error)) {
    return ["newPassword", "newPasswordConfirm"];
  }
  return error.code === InvalidCodeError.code ? ["code"] : [];
}

/** 口座の凍結's one field, for aria-invalid. */
function freezeFieldInError(code: string): "currentPassword" | null {
  return code === InvalidCredentialsError.code ? "currentPassword" : null;
}

// After a change (/password?changed=1): the confirmation instead of the form.
const passwordQuery = z.object({ changed: queryWord("1") });

/**
 * パスワード変更 (`/password`, issue 11 item 4) and 口座の凍結 (`/freeze`, item 7): the same core
 * calls as POST /api/v1/password/code, POST /api/v1/password and POST /api/v1/account/freeze.
 */
export const passwordPages: WebPlugin<AccountWebOptions> = async (app, { brand, sessions, passwordChange, accountFreeze }) => {
  customerPages(app, sessions);
  const formOnly = formPostOptions(app);
  const base = (request: FastifyRequest): PageBase => ({ lang: detectLang(request), brand });
  const showAgain =
    (request: FastifyRequest, reply: FastifyReply, view: string, data: Record<string, unknown>) =>
    ({ shown, status }: ShownRefusal): FastifyReply =>
      renderPage(reply, view, base(request), { ...data, error: shown, invalidField: freezeFieldInError(shown.code) }, status);
  // Step 2 refused (issue 21 item 4): what was typed stays but the wrong fields, and so does where and until when the code went.
  const showStep2Again =
    (request: FastifyRequest, reply: FastifyReply) =>
    async ({ shown, status, error }: ShownRefusal): Promise<FastifyReply> => {
      const latest = await passwordChange.latestCode(sessionOf(request));
      const again = typedAgain(request, CHANGE_FIELDS, wrongFieldsOf(error));
      return renderPage(reply, "password", base(request), { sent: latest === null ? null : sentCodeView(latest), step: 2, error: shown, ...again }, status);
    };

  // Step 1 (the button that mails the code), or after a change the confirmation (?changed=1).
  app.get("/password", { schema: { querystring: passwordQuery } }, async (request, reply) => {
    const view = request.query.changed === "1" ? "password-changed" : "password";
    return renderPage(reply, view, base(request), { sent: null, step: 1, error: null, invalidField: null });
  });

  // Mails the code and shows step 2 with where and when it went (a newer request supersedes it).
  app.post("/password/code", formOnly, async (request, reply) => {
    return attemptOrShowAgain(request, reply, showAgain(request, reply, "password", { sent: null, step: 1 }), async () => {
      const sent = await passwordChange.sendCode(sessionOf(request), contextOf(request));
      return renderPage(reply, "password", base(request), { sent: sentCodeView(sent), step: 2, error: null, invalidField: null });
    });
  });

  app.post("/password", formOnly, async (request, reply) => {
    // The form stays, with a button for a new code (one that expired or was used up needs it).
    return attemptOrShowAgain(request, reply, showStep2Again(request, reply), async () => {
      const { newPasswordConfirm, ...body } = parseBody(passwordChangeForm, request.body);
      requireTypedTwice(body.newPassword, newPasswordConfirm, "password");
      await passwordChange.change(sessionOf(request), body, contextOf(request));
      const q = langQuery(detectLang(request));
      return reply.redirect(`/password?${q === "" ? "" : "lang=en&"}changed=1`, 303);
    });
  });

  app.get("/freeze", async (request, reply) => {
    return renderPage(reply, "freeze", base(request), { error: null, invalidField: null });
  });

  app.post("/freeze", formOnly, async (request, reply) => {
    return attemptOrShowAgain(request, reply, showAgain(request, reply, "freeze", {}), async () => {
      const body = parseBody(freezeBody, request.body);
      await accountFreeze.freeze(sessionOf(request), body.password, contextOf(request));
      reply.clearCookie(SESSION_COOKIE, clearedCookieOptions());
      return reply.redirect(`/freeze/done${langQuery(detectLang(request))}`, 303);
    });
  });
};

/** After 口座の凍結 there is no session any more: the page says only what happened and how to reopen, nothing of the account. */
export const freezeDonePage: WebPlugin<AccountWebOptions> = async (app, { brand }) => {
  app.get("/freeze/done", async (request, reply) => {
    return renderPage(reply, "freeze-done", { lang: detectLang(request), brand }, {});
  });
};
