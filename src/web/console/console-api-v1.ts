import { CONSOLE_COOKIE, consoleCookieOptions } from "../kernel/cookies.ts";
import { jsonOnly } from "../kernel/content-type.ts";
import { onEveryRoute } from "../kernel/plugin.ts";
import type { WebPlugin } from "../kernel/plugin.ts";
import { contextOf } from "../kernel/request-context.ts";
import { consoleLoginBody, parseBody } from "../kernel/validation.ts";
import type { ConsoleWebOptions } from "./console-plugin.ts";
import { operatorApi, operatorOf } from "./console-session.ts";

/**
 * The call center console's JSON API (issue 12): operator login with password + TOTP and
 * logout. Same rules as /api/v1: JSON bodies only, the global origin check, errors as
 * `{"error":{"code","message"}}`; its own cookie, never the customers'.
 */
export const consoleLoginApi: WebPlugin<ConsoleWebOptions> = async (api, { operatorLogin, operatorSessions }) => {
  // No CSRF token, as /api/v1 (login/api-v1.ts): application/json only, the origin check, and a
  // SameSite=Strict cookie that no other site's request carries.
  onEveryRoute(api, jsonOnly);

  api.post("/login", async (request, reply) => {
    const body = parseBody(consoleLoginBody, request.body);
    const result = await operatorLogin.login(body, contextOf(request));
    reply.setCookie(CONSOLE_COOKIE, result.sessionToken, consoleCookieOptions());
    return { status: "ok", role: result.role };
  });

  api.post("/logout", async (request, reply) => {
    await operatorSessions.end(request.cookies[CONSOLE_COOKIE], contextOf(request));
    reply.clearCookie(CONSOLE_COOKIE, consoleCookieOptions());
    return { status: "ok" };
  });
};

/** Who is at the console ([4010] without a live console session). */
export const consoleSessionApi: WebPlugin<ConsoleWebOptions> = async (api, { operatorSessions }) => {
  operatorApi(api, operatorSessions);

  api.get("/session", async (request) => {
    const current = operatorOf(request);
    return { loginId: current.operator.loginId, name: current.operator.name, role: current.operator.role };
  });
};
