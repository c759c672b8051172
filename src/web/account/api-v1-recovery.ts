import type { FastifyInstance } from "fastify";
import type { WebDeps } from "../app.ts";
import { RESET_COOKIE, clearedCookieOptions, preauthCookieOptions } from "../kernel/cookies.ts";
import { requireBodyType } from "../kernel/content-type.ts";
import { contextOf } from "../kernel/request-context.ts";
import { loginIdRemindBody, parseBody, passwordResetBody, passwordResetCompleteBody } from "../kernel/validation.ts";

/**
 * Forgotten password and forgotten login ID for the smartphone app (issue 11): no session
 * needed, and the first step of each answers the same whether or not anything matched.
 */
export function registerApiV1Recovery(app: FastifyInstance, deps: WebDeps): void {
  const { config, passwordReset, loginIdReminder } = deps;

  app.register(
    async (api) => {
      api.addHook("preHandler", requireBodyType("application/json"));

      api.post("/password-reset", async (request, reply) => {
        const body = parseBody(passwordResetBody, request.body);
        const { resetToken } = await passwordReset.request(body, contextOf(request));
        // Always a fresh token, so the cookies say no more than the body.
        reply.setCookie(RESET_COOKIE, resetToken, preauthCookieOptions(config.codeTtlSeconds));
        return { status: "code_sent_if_matched" };
      });

      api.post("/password-reset/complete", async (request, reply) => {
        const body = parseBody(passwordResetCompleteBody, request.body);
        await passwordReset.complete(request.cookies[RESET_COOKIE], body, contextOf(request));
        reply.clearCookie(RESET_COOKIE, clearedCookieOptions());
        return { status: "ok" };
      });

      api.post("/login-id/remind", async (request) => {
        const body = parseBody(loginIdRemindBody, request.body);
        await loginIdReminder.remind(body, contextOf(request));
        return { status: "mailed_if_matched" };
      });
    },
    { prefix: "/api/v1" },
  );
}
