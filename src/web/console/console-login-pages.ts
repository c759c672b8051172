import { z } from "zod";
import { InvalidCredentialsError } from "../../core/kernel/errors.ts";
import { formPostOptions } from "../kernel/content-type.ts";
import { CONSOLE_COOKIE, consoleCookieOptions } from "../kernel/cookies.ts";
import { attemptOrShowAgain } from "../kernel/form-page.ts";
import type { ShownRefusal } from "../kernel/form-page.ts";
import type { WebPlugin } from "../kernel/plugin.ts";
import { contextOf } from "../kernel/request-context.ts";
import { queryWord } from "../kernel/route-parameters.ts";
import { consoleLoginBody, parseBody } from "../kernel/validation.ts";
import type { ConsoleWebOptions } from "./console-plugin.ts";
import { consoleHref, consolePageBase, renderConsolePage } from "./console-page.ts";

// After logout (/console/login?loggedOut=1): a confirmation, carried by the URL alone.
const loginQuery = z.object({ loggedOut: queryWord("1") });

/**
 * The console's login page (issue 12 item 1): login ID, password and 確認コード (TOTP) in
 * one form, the same core call as POST /console/api/v1/login; and logout. A refused login
 * shows its [code] message, as the customers' login page does. No session needed.
 */
export const consoleLoginPages: WebPlugin<ConsoleWebOptions> = async (app, { brand, operatorLogin, operatorSessions }) => {
  const formOnly = formPostOptions(app);

  app.get("/console/login", { schema: { querystring: loginQuery } }, async (request, reply) => {
    const base = consolePageBase(request, brand, null);
    // Already logged in: straight to the search, not a second login that would spend a TOTP code.
    if ((await operatorSessions.authenticate(request.cookies[CONSOLE_COOKIE], contextOf(request))) !== null) {
      return reply.redirect(consoleHref("/console", base.lang), 303);
    }
    return renderConsolePage(reply, "console-login", base, { loginId: "", error: null, invalid: false, loggedOut: request.query.loggedOut === "1" });
  });

  app.post("/console/login", formOnly, async (request, reply) => {
    const base = consolePageBase(request, brand, null);
    let loginIdShown = "";
    const showAgain = ({ shown, status }: ShownRefusal) =>
      renderConsolePage(reply, "console-login", base, { loginId: loginIdShown, error: shown, invalid: shown.code === InvalidCredentialsError.code, loggedOut: false }, status);
    return attemptOrShowAgain(request, reply, showAgain, async () => {
      const body = parseBody(consoleLoginBody, request.body);
      loginIdShown = body.loginId.slice(0, 64);
      const result = await operatorLogin.login(body, contextOf(request));
      reply.setCookie(CONSOLE_COOKIE, result.sessionToken, consoleCookieOptions());
      return reply.redirect(consoleHref("/console", base.lang), 303);
    });
  });

  app.post("/console/logout", formOnly, async (request, reply) => {
    await operatorSessions.end(request.cookies[CONSOLE_COOKIE], contextOf(request));
    reply.clearCookie(CONSOLE_COOKIE, consoleCookieOptions());
    const base = consolePageBase(request, brand, null);
    return reply.redirect(consoleHref("/console/login", base.lang, { loggedOut: "1" }), 303);
  });
};
