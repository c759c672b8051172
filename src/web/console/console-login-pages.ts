import type { FastifyInstance } from "fastify";
import type { WebDeps } from "../app.ts";
import { AuthError, InvalidCredentialsError } from "../../core/kernel/errors.ts";
import { CONSOLE_COOKIE, consoleCookieOptions } from "../kernel/cookies.ts";
import { consoleHref, consolePageBase, renderConsolePage } from "./console-page.ts";
import { formPostOptions } from "../kernel/form-post.ts";
import { refuse } from "../kernel/refusal.ts";
import { contextOf } from "../kernel/request-context.ts";
import { consoleLoginBody, parseBody } from "../kernel/validation.ts";

/**
 * The console's login page (issue 12 item 1): login ID, password and 確認コード (TOTP) in
 * one form, the same core call as POST /console/api/v1/login; and logout. A refused login
 * shows its [code] message, as the customers' login page does.
 */
export function registerConsoleLoginPages(app: FastifyInstance, deps: WebDeps): void {
  const { config } = deps;
  const { operatorLogin, operatorSessions } = deps.console;
  const formOnly = formPostOptions(app);

  app.get("/console/login", async (request, reply) => {
    const base = consolePageBase(request, config.brand, null);
    // Already logged in: straight to the search, not a second login that would spend a TOTP code.
    if ((await operatorSessions.authenticate(request.cookies[CONSOLE_COOKIE], contextOf(request))) !== null) {
      return reply.redirect(consoleHref("/console", base.lang), 303);
    }
    const loggedOut = (request.query as Record<string, unknown> | undefined)?.["loggedOut"] === "1";
    return renderConsolePage(reply, "console-login", base, { loginId: "", error: null, invalid: false, loggedOut });
  });

  app.post("/console/login", formOnly, async (request, reply) => {
    const base = consolePageBase(request, config.brand, null);
    let loginIdShown = "";
    try {
      const body = parseBody(consoleLoginBody, request.body);
      loginIdShown = body.loginId.slice(0, 64);
      const result = await operatorLogin.login(body, contextOf(request));
      reply.setCookie(CONSOLE_COOKIE, result.sessionToken, consoleCookieOptions());
      return reply.redirect(consoleHref("/console", base.lang), 303);
    } catch (error) {
      if (!(error instanceof AuthError)) {
        throw error;
      }
      const { shown, status } = refuse(request, reply, error, base.lang);
      const invalid = shown.code === InvalidCredentialsError.code;
      return renderConsolePage(reply, "console-login", base, { loginId: loginIdShown, error: shown, invalid, loggedOut: false }, status);
    }
  });

  app.post("/console/logout", formOnly, async (request, reply) => {
    await operatorSessions.end(request.cookies[CONSOLE_COOKIE], contextOf(request));
    reply.clearCookie(CONSOLE_COOKIE, consoleCookieOptions());
    const base = consolePageBase(request, config.brand, null);
    return reply.redirect(consoleHref("/console/login", base.lang, { loggedOut: "1" }), 303);
  });
}
