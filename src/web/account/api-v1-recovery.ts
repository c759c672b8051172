import { RESET_COOKIE, clearedCookieOptions, preauthCookieOptions } from "../kernel/cookies.ts";
import { publicApi } from "../kernel/customer-session.ts";
import type { WebPlugin } from "../kernel/plugin.ts";
import { contextOf } from "../kernel/request-context.ts";
import { loginIdRemindBody, parseBody, passwordResetBody, passwordResetCompleteBody } from "../kernel/validation.ts";
import type { AccountWebOptions } from "./account-plugin.ts";

/**
 * Forgotten password and forgotten login ID for the smartphone app (issue 11): no session
 * needed, and the first step of each answers the same whether or not anything matched.
 */
export const recoveryApi: WebPlugin<AccountWebOptions> = async (api, { codeTtlSeconds, passwordReset, loginIdReminder }) => {
  publicApi(api);

  api.post("/password-reset", async (request, reply) => {
    const body = parseBody(passwordResetBody, request.body);
    const { resetToken } = await passwordReset.request(body, contextOf(request));
    // Always a fresh token, so the cookies say no more than the body.
    reply.setCookie(RESET_COOKIE, resetToken, preauthCookieOptions(codeTtlSeconds));
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
};
