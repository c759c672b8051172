import type { FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { CodeScreen } from "../../core/login/login.ts";
import { InvalidCodeError } from "../../core/kernel/errors.ts";
import { formatJapanTime } from "../../core/kernel/japan-time.ts";
import { DEVICE_COOKIE, PREAUTH_COOKIE, SESSION_COOKIE, clearedCookieOptions, deviceCookieOptions, preauthCookieOptions, sessionCookieOptions } from "../kernel/cookies.ts";
import { formPostOptions } from "../kernel/content-type.ts";
import { attemptOrShowAgain } from "../kernel/form-page.ts";
import type { ShownRefusal } from "../kernel/form-page.ts";
import { detectLang, langQuery } from "../kernel/i18n.ts";
import type { WebPlugin } from "../kernel/plugin.ts";
import { renderPage } from "../kernel/render.ts";
import { contextOf } from "../kernel/request-context.ts";
import { queryWord } from "../kernel/route-parameters.ts";
import { codeStepBody, parseBody } from "../kernel/validation.ts";
import type { LoginWebOptions } from "./login-plugin.ts";

// After 「認証コードを再送信」 (/login/mfa?resent=1): the screen says where and when the new code went.
const codeScreenQuery = z.object({ resent: queryWord("1") });

/** What a route adds to the screen: a refusal to show, whether the field was wrong, whether a new code was just sent. */
interface ScreenData {
  error: ShownRefusal["shown"] | null;
  invalid: boolean;
  resent: boolean;
}

/** What login-mfa.eta shows: the pending code (where, when, until when), or why there is none. */
function screenView(screen: CodeScreen | null): Record<string, unknown> {
  // Issue 22 §1: only what came back is news; a mail sent or pending says nothing more.
  const lastDelivery = screen?.lastDelivery?.reason == null ? null : screen.lastDelivery;
  if (screen?.state !== "pending") {
    // Without a pre-auth state there is no login ID to fill in, and the page does not promise one.
    return { pending: null, ended: screen?.reason ?? "closed", idKnown: screen !== null, lastDelivery };
  }
  const { maskedEmail, sentAt, expiresAt } = screen.code;
  return { pending: { maskedEmail, sentAt: formatJapanTime(sentAt), expiresAt: formatJapanTime(expiresAt) }, ended: null, lastDelivery };
}

/**
 * ログイン時多要素認証 入力: GET/POST /login/mfa and 「認証コードを再送信」 (POST /login/mfa/resend).
 * The screen always has a way on (issue 21, item 1): the code field while this browser's code
 * is pending, else 「もう一度ログインする」 (/login?again=1, the login ID filled in). The pre-auth
 * cookie stays after a refusal, for that; a new login or its own Max-Age replaces it.
 */
export const codePages: WebPlugin<LoginWebOptions> = async (app, { brand, codeTtlSeconds, login }) => {
  const formOnly = formPostOptions(app);
  const renderScreen = (request: FastifyRequest, reply: FastifyReply, screen: CodeScreen | null, data: ScreenData, status = 200) =>
    renderPage(reply, "login-mfa", { lang: detectLang(request), brand }, { ...screenView(screen), ...data, invalid: data.invalid && screen?.state === "pending" }, status);
  const showScreen = async (request: FastifyRequest, reply: FastifyReply, data: ScreenData, status = 200) =>
    renderScreen(request, reply, await login.codeScreen(request.cookies[PREAUTH_COOKIE]), data, status);
  // A refusal shows the screen again as it now is: the field stays only while the code is pending.
  const showAgain = (request: FastifyRequest, reply: FastifyReply) => async ({ shown, status }: ShownRefusal) =>
    showScreen(request, reply, { error: shown, invalid: shown.code === InvalidCodeError.code, resent: false }, status);

  app.get("/login/mfa", { schema: { querystring: codeScreenQuery } }, async (request, reply) => {
    // Read once: the screen that decides between the page and the redirect is the one shown.
    const screen = await login.codeScreen(request.cookies[PREAUTH_COOKIE]);
    if (screen === null) {
      return reply.redirect(`/login${langQuery(detectLang(request))}`, 303);
    }
    return renderScreen(request, reply, screen, { error: null, invalid: false, resent: request.query.resent === "1" });
  });

  app.post("/login/mfa", formOnly, async (request, reply) => {
    const preauthToken = request.cookies[PREAUTH_COOKIE];
    return attemptOrShowAgain(request, reply, showAgain(request, reply), async () => {
      const body = parseBody(codeStepBody, request.body);
      const result = await login.codeStep({ preauthToken, code: body.code, deviceToken: request.cookies[DEVICE_COOKIE] }, contextOf(request));
      reply.clearCookie(PREAUTH_COOKIE, clearedCookieOptions());
      reply.setCookie(SESSION_COOKIE, result.sessionToken, sessionCookieOptions());
      reply.setCookie(DEVICE_COOKIE, result.deviceToken, deviceCookieOptions());
      return reply.redirect(`/${langQuery(detectLang(request))}`, 303);
    });
  });

  // A new code for this browser's pending code (code-resend.ts); a code that has ended sends nothing.
  app.post("/login/mfa/resend", formOnly, async (request, reply) => {
    const preauthToken = request.cookies[PREAUTH_COOKIE];
    const q = langQuery(detectLang(request));
    const screen = await login.codeScreen(preauthToken);
    if (screen?.state !== "pending") {
      return reply.redirect(screen === null ? `/login${q}` : `/login/mfa${q}`, 303);
    }
    return attemptOrShowAgain(request, reply, showAgain(request, reply), async () => {
      const issued = await login.resendCode(preauthToken, contextOf(request));
      reply.setCookie(PREAUTH_COOKIE, issued.preauthToken, preauthCookieOptions(codeTtlSeconds));
      return reply.redirect(`/login/mfa?${q === "" ? "" : "lang=en&"}resent=1`, 303);
    });
  });
};
