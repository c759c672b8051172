import type { PendingCodeView } from "../../core/login/login.ts";
import { isoJapanTime } from "../../core/kernel/japan-time.ts";
import { NotAuthenticatedError } from "../../core/kernel/errors.ts";
import { DEVICE_COOKIE, PREAUTH_COOKIE, SESSION_COOKIE, deviceCookieOptions, clearedCookieOptions, preauthCookieOptions, sessionCookieOptions } from "../kernel/cookies.ts";
import { customerApi, publicApi, sessionOf } from "../kernel/customer-session.ts";
import type { WebPlugin } from "../kernel/plugin.ts";
import { contextOf } from "../kernel/request-context.ts";
import { codeStepBody, parseBody, passwordStepBody } from "../kernel/validation.ts";
import type { LoginWebOptions } from "./login-plugin.ts";

/** The answer that a code was mailed: where (masked) and when, in Japan time. */
function mfaRequired(sent: PendingCodeView): { status: "mfa_required"; maskedEmail: string; sentAt: string; expiresAt: string } {
  return { status: "mfa_required", maskedEmail: sent.maskedEmail, sentAt: isoJapanTime(sent.sentAt), expiresAt: isoJapanTime(sent.expiresAt) };
}

/**
 * JSON API for the smartphone app (DESIGN §7): the same flow and error codes
 * as the pages; cookies carry the state here too. Errors go through the app's
 * error handler as `{"error":{"code","message"}}`.
 */
export const loginApi: WebPlugin<LoginWebOptions> = async (api, { codeTtlSeconds, login, sessions }) => {
  // No CSRF token here (DESIGN §4 asks for one on pages): the API takes only
  // application/json, which a cross-site form cannot send and a cross-site script
  // can send only after a CORS preflight this app never grants; the origin check
  // (origin-check.ts) refuses any browser request from elsewhere, and a body-less
  // POST (logout) gets no session cookie from another site (SameSite=Lax).
  publicApi(api);

  api.post("/login", async (request, reply) => {
    const body = parseBody(passwordStepBody, request.body);
    const result = await login.passwordStep({ ...body, deviceToken: request.cookies[DEVICE_COOKIE] }, contextOf(request));
    if (result.kind === "logged_in") {
      reply.setCookie(SESSION_COOKIE, result.sessionToken, sessionCookieOptions());
      reply.setCookie(DEVICE_COOKIE, result.deviceToken, deviceCookieOptions());
      return { status: "ok", mfaOff: true };
    }
    reply.setCookie(PREAUTH_COOKIE, result.preauthToken, preauthCookieOptions(codeTtlSeconds));
    return mfaRequired(result);
  });

  // Issue 22 §1: this browser's pending code as the code screen shows it, with how the last code mail
  // fared (`lastDelivery`: sent, pending, or bounced/delayed with why); [4010] without a pending login.
  api.get("/login/mfa", async (request) => {
    const screen = await login.codeScreen(request.cookies[PREAUTH_COOKIE]);
    if (screen === null) {
      throw new NotAuthenticatedError("no pre-auth state in this browser");
    }
    if (screen.state === "pending") {
      return { ...mfaRequired(screen.code), lastDelivery: screen.lastDelivery };
    }
    return { status: "code_ended", reason: screen.reason, lastDelivery: screen.lastDelivery };
  });

  api.post("/login/mfa", async (request, reply) => {
    const body = parseBody(codeStepBody, request.body);
    const result = await login.codeStep({ preauthToken: request.cookies[PREAUTH_COOKIE], code: body.code, deviceToken: request.cookies[DEVICE_COOKIE] }, contextOf(request));
    reply.clearCookie(PREAUTH_COOKIE, clearedCookieOptions());
    reply.setCookie(SESSION_COOKIE, result.sessionToken, sessionCookieOptions());
    reply.setCookie(DEVICE_COOKIE, result.deviceToken, deviceCookieOptions());
    return { status: "ok" };
  });

  // 「認証コードを再送信」 (issue 21, item 2): a new code for this browser's pending code, the
  // same answer as the password step's; refusals as the code step's, [5125] at the code-mail limit.
  api.post("/login/mfa/resend", async (request, reply) => {
    const issued = await login.resendCode(request.cookies[PREAUTH_COOKIE], contextOf(request));
    reply.setCookie(PREAUTH_COOKIE, issued.preauthToken, preauthCookieOptions(codeTtlSeconds));
    return mfaRequired(issued);
  });

  api.post("/logout", async (request, reply) => {
    await sessions.end(request.cookies[SESSION_COOKIE], contextOf(request));
    reply.clearCookie(SESSION_COOKIE, clearedCookieOptions());
    return { status: "ok" };
  });
};

/** Who is logged in ([4010] without a live session). */
export const sessionApi: WebPlugin<LoginWebOptions> = async (api, { sessions }) => {
  customerApi(api, sessions);

  api.get("/session", async (request) => {
    const current = sessionOf(request);
    return {
      loginId: current.customer.loginId,
      name: current.customer.name,
      authMethods: current.session.authMethods,
      mfaEnabled: current.customer.mfaEnabled,
    };
  });
};
