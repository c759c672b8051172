import type { FastifyRequest } from "fastify";
import { z } from "zod";
import type { PendingCodeView } from "../../core/login/login.ts";
import { InvalidCodeError, InvalidCredentialsError } from "../../core/kernel/errors.ts";
import { formatJapanTime } from "../../core/kernel/japan-time.ts";
import { DEVICE_COOKIE, PREAUTH_COOKIE, SESSION_COOKIE, deviceCookieOptions, clearedCookieOptions, preauthCookieOptions, sessionCookieOptions } from "../kernel/cookies.ts";
import { formPostOptions } from "../kernel/content-type.ts";
import { attemptOrShowAgain } from "../kernel/form-page.ts";
import type { ShownRefusal } from "../kernel/form-page.ts";
import { detectLang, langQuery, t } from "../kernel/i18n.ts";
import type { TextKey } from "../kernel/i18n.ts";
import { takeLoginNote } from "../kernel/login-note.ts";
import type { LoginNote } from "../kernel/login-note.ts";
import type { WebPlugin } from "../kernel/plugin.ts";
import { renderPage } from "../kernel/render.ts";
import { contextOf } from "../kernel/request-context.ts";
import { queryWord } from "../kernel/route-parameters.ts";
import { codeStepBody, parseBody, passwordStepBody } from "../kernel/validation.ts";
import type { LoginWebOptions } from "./login-plugin.ts";

// After logout (/login?loggedOut=1): a confirmation, carried by the URL alone.
const loginQuery = z.object({ loggedOut: queryWord("1") });

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

/** The HTML login flow: /login (ID + password) → /login/mfa (ログイン時多要素認証 入力) → /. No session needed. */
export const loginPages: WebPlugin<LoginWebOptions> = async (app, { brand, codeTtlSeconds, login, sessions }) => {
  const pageBase = (request: FastifyRequest) => ({ lang: detectLang(request), brand });
  const pendingView = (pending: PendingCodeView | null) =>
    pending === null
      ? null
      : { maskedEmail: pending.maskedEmail, sentAt: formatJapanTime(pending.sentAt), expiresAt: formatJapanTime(pending.expiresAt) };
  const formOnly = formPostOptions(app);

  app.get("/login", { schema: { querystring: loginQuery } }, async (request, reply) => {
    const base = pageBase(request);
    const note = takeLoginNote(request, reply);
    return renderPage(reply, "login", base, {
      loginId: "",
      error: null,
      invalid: false,
      loggedOut: request.query.loggedOut === "1",
      sessionNote: note === null ? null : t(base.lang, NOTE_TEXT[note]),
      // Locked out: how to lift the lock now (issue 21 item 5), as under [5102].
      lockedHelp: note === "account_locked",
    });
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
    // While the code is still pending the form stays; otherwise only the way back to /login.
    const showAgain = async ({ shown, status }: ShownRefusal) => {
      const pending = await login.pendingCode(preauthToken);
      if (pending === null) {
        reply.clearCookie(PREAUTH_COOKIE, clearedCookieOptions());
      }
      const invalid = pending !== null && shown.code === InvalidCodeError.code;
      return renderPage(reply, "login-mfa", base, { pending: pendingView(pending), error: shown, invalid }, status);
    };
    return attemptOrShowAgain(request, reply, showAgain, async () => {
      const body = parseBody(codeStepBody, request.body);
      const result = await login.codeStep({ preauthToken, code: body.code, deviceToken: request.cookies[DEVICE_COOKIE] }, contextOf(request));
      reply.clearCookie(PREAUTH_COOKIE, clearedCookieOptions());
      reply.setCookie(SESSION_COOKIE, result.sessionToken, sessionCookieOptions());
      reply.setCookie(DEVICE_COOKIE, result.deviceToken, deviceCookieOptions());
      return reply.redirect(`/${langQuery(base.lang)}`, 303);
    });
  });

  app.post("/logout", formOnly, async (request, reply) => {
    await sessions.end(request.cookies[SESSION_COOKIE], contextOf(request));
    reply.clearCookie(SESSION_COOKIE, clearedCookieOptions());
    const lang = detectLang(request) === "en" ? "&lang=en" : "";
    return reply.redirect(`/login?loggedOut=1${lang}`, 303);
  });
};
