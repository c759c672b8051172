import type { FastifyInstance } from "fastify";
import type { WebDeps } from "../app.ts";
import { CONSOLE_COOKIE, consoleCookieOptions } from "../kernel/cookies.ts";
import { requireBodyType } from "../kernel/content-type.ts";
import { contextOf } from "../kernel/request-context.ts";
import { operatorOf, requireOperator } from "./console-session.ts";
import { consoleLoginBody, parseBody } from "../kernel/validation.ts";

/**
 * The call center console's JSON API (issue 12): operator login with password + TOTP,
 * the console session and logout. Same rules as /api/v1: JSON bodies only, the global
 * origin check, errors as `{"error":{"code","message"}}`; its own cookie, never the customers'.
 */
export function registerConsoleApiV1(app: FastifyInstance, deps: WebDeps): void {
  const { operatorLogin, operatorSessions } = deps.console;

  app.register(
    async (api) => {
      // No CSRF token, as /api/v1 (api-v1.ts): application/json only, the origin check, and a
      // SameSite=Strict cookie that no other site's request carries.
      api.addHook("preHandler", requireBodyType("application/json"));

      api.post("/login", async (request, reply) => {
        const body = parseBody(consoleLoginBody, request.body);
        const result = await operatorLogin.login(body, contextOf(request));
        reply.setCookie(CONSOLE_COOKIE, result.sessionToken, consoleCookieOptions());
        return { status: "ok", role: result.role };
      });

      api.get("/session", { preHandler: requireOperator(operatorSessions) }, async (request) => {
        const current = operatorOf(request);
        return { loginId: current.operator.loginId, name: current.operator.name, role: current.operator.role };
      });

      api.post("/logout", async (request, reply) => {
        await operatorSessions.end(request.cookies[CONSOLE_COOKIE], contextOf(request));
        reply.clearCookie(CONSOLE_COOKIE, consoleCookieOptions());
        return { status: "ok" };
      });
    },
    { prefix: "/console/api/v1" },
  );
}
