import { PASSKEY_CHALLENGE_TTL_MS } from "../../core/kernel/limits.ts";
import { DEVICE_COOKIE, PASSKEY_LOGIN_COOKIE, SESSION_COOKIE, clearedCookieOptions, deviceCookieOptions, passkeyLoginCookieOptions, sessionCookieOptions } from "../kernel/cookies.ts";
import { publicApi } from "../kernel/customer-session.ts";
import { asAssertion } from "../kernel/passkey-assertion.ts";
import type { WebPlugin } from "../kernel/plugin.ts";
import { contextOf } from "../kernel/request-context.ts";
import { parseBody } from "../kernel/validation.ts";
import { passkeyLoginBody } from "./passkey-bodies.ts";
import type { PasskeyWebOptions } from "./passkey-plugin.ts";

/**
 * Logging in with a passkey (issue 13 §2, §7), for the app and the login page's button and
 * autofill: the options (discoverable, user verification required) with the challenge bound to
 * this browser's cookie, then the assertion → a session, as `POST /api/v1/login/mfa` gives one.
 */
export const passkeyLoginApi: WebPlugin<PasskeyWebOptions> = async (api, { login }) => {
  publicApi(api);

  api.post("/login/passkey/options", async (request, reply) => {
    const started = await login.options(contextOf(request));
    reply.setCookie(PASSKEY_LOGIN_COOKIE, started.preauthToken, passkeyLoginCookieOptions(PASSKEY_CHALLENGE_TTL_MS));
    return { options: started.options };
  });

  api.post("/login/passkey", async (request, reply) => {
    const body = parseBody(passkeyLoginBody, request.body);
    // The challenge is single use whatever the outcome: the cookie that named it goes too.
    reply.clearCookie(PASSKEY_LOGIN_COOKIE, clearedCookieOptions());
    const result = await login.complete(
      { preauthToken: request.cookies[PASSKEY_LOGIN_COOKIE], response: asAssertion(body.response), deviceToken: request.cookies[DEVICE_COOKIE] },
      contextOf(request),
    );
    reply.setCookie(SESSION_COOKIE, result.sessionToken, sessionCookieOptions());
    reply.setCookie(DEVICE_COOKIE, result.deviceToken, deviceCookieOptions());
    return { status: "ok" };
  });
};
