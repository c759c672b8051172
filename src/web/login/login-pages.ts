import type { FastifyRequest } from "fastify";
import { z } from "zod";
import { InvalidCredentialsError } from "../../core/kernel/errors.ts";
import { DEVICE_COOKIE, PREAUTH_COOKIE, SESSION_COOKIE, deviceCookieOptions, clearedCookieOptions, preauthCookieOptions, sessionCookieOptions } from "../kernel/cookies.ts";
import { formPostOptions } from "../kernel/content-type.ts";
import { attemptOrShowAgain } from "../kernel/form-page.ts";
import type { ShownRefusal } from "../kernel/form-page.ts";
import { detectLang, langQuery, t } from "../kernel/i18n.ts";
import type { TextKey } from "../kernel/i18n.ts";
import { takeLoginNote } from "../kernel/login-note.ts";
import type { LoginNote } from "../kernel/login-note.ts";
import type { WebPlugin } from "../kernel/plugin.ts";
import { renderKeptPage, renderPage } from "../kernel/render.ts";
import { contextOf } from "../kernel/request-context.ts";
import { queryWord } from "../kernel/route-parameters.ts";
import { parseBody, passwordStepBody } from "../kernel/validation.ts";
import type { LoginWebOptions } from "./login-plugin.ts";

// After logout (/login?loggedOut=1): a confirmation, carried by the URL alone. From the code
// screen's 「もう一度ログインする」 (/login?again=1): the login ID of this browser's pre-auth state.
const loginQuery = z.object({ loggedOut: queryWord("1"), again: queryWord("1") });

/** The one sentence for each way a browser is sent here from a member page (issue 21 item 3). */
const NOTE_TEXT: Record<LoginNote, TextKey> = {
  login_required: "endedLoginRequired",
  logged_out: "loggedOut",
  ended_by_customer: "endedByCustomer",
  ended_by_operator: "endedByOperator",
  account_locked: "endedAccountLocked",
  account_frozen: "endedAccountFrozen",
  password_changed: "endedPasswordChanged",
  email_changed: "endedEmailChanged",
  idle_timeout: "endedIdleTimeout",
  absolute_timeout: "endedAbsoluteTimeout",
};

/**
 * The HTML login flow: /login (ID + password) → /login/mfa (ログイン時多要素認証 入力, code-pages.ts)
 * → /. No session needed.
 */
export const loginPages: WebPlugin<LoginWebOptions> = async (app, { brand, codeTtlSeconds, login, sessions }) => {
  const pageBase = (request: FastifyRequest) => ({ lang: detectLang(request), brand });
  const formOnly = formPostOptions(app);

  // ?again=1 (issue 21, item 1): the ID comes from the server's record of the HttpOnly pre-auth
  // cookie, never from the URL, and only while that state lives; the page is no-store. A page
  // elsewhere may link here, but cannot read the answer (no CORS, frame-ancestors 'none').
  app.get("/login", { schema: { querystring: loginQuery } }, async (request, reply) => {
    const base = pageBase(request);
    const again = request.query.again === "1" ? await login.loginIdToRestart(request.cookies[PREAUTH_COOKIE]) : null;
    const note = takeLoginNote(request, reply);
    const loggedOut = request.query.loggedOut === "1";
    const data = {
      loginId: again ?? "",
      focusPassword: again !== null,
      error: null,
      invalid: false,
      loggedOut,
      sessionNote: note === null ? null : t(base.lang, NOTE_TEXT[note]),
      // Locked out: how to lift the lock now (issue 21 item 5), as under [5102].
      lockedHelp: note === "account_locked",
    };
    // Without a login ID to fill in, the page is one of a few (language, logged out, note): kept in memory.
    return again === null ? renderKeptPage(reply, "login", base, data, `${String(loggedOut)} ${note ?? ""}`) : renderPage(reply, "login", base, data);
  });

  app.post("/login", formOnly, async (request, reply) => {
    const base = pageBase(request);
    const q = langQuery(base.lang);
    let loginIdShown = "";
    // A wrong ID or password marks both fields invalid (one message for both, by design).
    const showAgain = ({ shown, status }: ShownRefusal) =>
      renderPage(reply, "login", base, { loginId: loginIdShown, error: shown, invalid: shown.code === InvalidCredentialsError.code, loggedOut: false, sessionNote: null, lockedHelp: false }, status);
    return attemptOrShowAgain(request, reply, showAgain, async () => {
      const body = parseBody(passwordStepBody, request.body);
      loginIdShown = body.loginId.slice(0, 64);
      const result = await login.passwordStep({ ...body, deviceToken: request.cookies[DEVICE_COOKIE] }, contextOf(request));
      if (result.kind === "code_sent") {
        reply.setCookie(PREAUTH_COOKIE, result.preauthToken, preauthCookieOptions(codeTtlSeconds));
        return reply.redirect(`/login/mfa${q}`, 303);
      }
      reply.setCookie(SESSION_COOKIE, result.sessionToken, sessionCookieOptions());
      reply.setCookie(DEVICE_COOKIE, result.deviceToken, deviceCookieOptions());
      return reply.redirect(`/${q}`, 303);
    });
  });

  app.post("/logout", formOnly, async (request, reply) => {
    await sessions.end(request.cookies[SESSION_COOKIE], contextOf(request));
    reply.clearCookie(SESSION_COOKIE, clearedCookieOptions());
    const lang = detectLang(request) === "en" ? "&lang=en" : "";
    return reply.redirect(`/login?loggedOut=1${lang}`, 303);
  });
};
