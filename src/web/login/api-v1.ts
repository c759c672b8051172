import type { FastifyInstance } from "fastify";
import type { WebDeps } from "../app.ts";
import { isoJapanTime } from "../../core/kernel/japan-time.ts";
import { DEVICE_COOKIE, PREAUTH_COOKIE, SESSION_COOKIE, deviceCookieOptions, clearedCookieOptions, preauthCookieOptions, sessionCookieOptions } from "../kernel/cookies.ts";
import { apiSession } from "../kernel/api-session.ts";
import { requireBodyType } from "../kernel/content-type.ts";
import { contextOf } from "../kernel/request-context.ts";
import { codeStepBody, parseBody, passwordStepBody } from "../kernel/validation.ts";

/**
 * JSON API for the smartphone app (DESIGN §7): the same flow and error codes
 * as the pages; cookies carry the state here too. Errors go through the app's
 * error handler as `{"error":{"code","message"}}`.
 */
export function registerApiV1(app: FastifyInstance, deps: WebDeps): void {
  const { config, login, sessions } = deps;
  const loggedIn = apiSession(sessions);

  app.register(
    async (api) => {
      // No CSRF token here (DESIGN §4 asks for one on pages): the API takes only
      // application/json, which a cross-site form cannot send and a cross-site script
      // can send only after a CORS preflight this app never grants; the origin check
      // (origin-check.ts) refuses any browser request from elsewhere, and a body-less
      // POST (logout) gets no session cookie from another site (SameSite=Lax).
      api.addHook("preHandler", requireBodyType("application/json"));

      api.post("/login", async (request, reply) => {
        const body = parseBody(passwordStepBody, request.body);
        const result = await login.passwordStep({ ...body, deviceToken: request.cookies[DEVICE_COOKIE] }, contextOf(request));
        if (result.kind === "logged_in") {
          reply.setCookie(SESSION_COOKIE, result.sessionToken, sessionCookieOptions());
          reply.setCookie(DEVICE_COOKIE, result.deviceToken, deviceCookieOptions());
          return { status: "ok", mfaOff: true };
        }
        reply.setCookie(PREAUTH_COOKIE, result.preauthToken, preauthCookieOptions(config.codeTtlSeconds));
        return {
          status: "mfa_required",
          maskedEmail: result.maskedEmail,
          sentAt: isoJapanTime(result.sentAt),
          expiresAt: isoJapanTime(result.expiresAt),
        };
      });

      api.post("/login/mfa", async (request, reply) => {
        const body = parseBody(codeStepBody, request.body);
        const result = await login.codeStep({ preauthToken: request.cookies[PREAUTH_COOKIE], code: body.code, deviceToken: request.cookies[DEVICE_COOKIE] }, contextOf(request));
        reply.clearCookie(PREAUTH_COOKIE, clearedCookieOptions());
        reply.setCookie(SESSION_COOKIE, result.sessionToken, sessionCookieOptions());
        reply.setCookie(DEVICE_COOKIE, result.deviceToken, deviceCookieOptions());
        return { status: "ok" };
      });

      api.get("/session", async (request) => {
        const current = await loggedIn(request);
        return {
          loginId: current.customer.loginId,
          name: current.customer.name,
          authMethods: current.session.authMethods,
          mfaEnabled: current.customer.mfaEnabled,
        };
      });

      api.post("/logout", async (request, reply) => {
        await sessions.end(request.cookies[SESSION_COOKIE], contextOf(request));
        reply.clearCookie(SESSION_COOKIE, clearedCookieOptions());
        return { status: "ok" };
      });
    },
    { prefix: "/api/v1" },
  );
}
