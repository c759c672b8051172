import type { CookieSerializeOptions } from "@fastify/cookie";
import type { FastifyReply, FastifyRequest } from "fastify";
import { PREAUTH_GRACE_SECONDS } from "../../core/kernel/limits.ts";

/**
 * DESIGN §4. The `__Host-` prefix makes the browser refuse the cookie unless
 * it is Secure, has Path=/ and no Domain, so no subdomain can plant or read it.
 */
export const SESSION_COOKIE = "__Host-okb_session";
/** Binds a pending code to the browser that passed the password step. */
export const PREAUTH_COOKIE = "__Host-okb_preauth";

/**
 * Binds a passkey login's challenge to the browser that asked for the options (issue 13 §2): apart
 * from the code's pre-auth cookie, so trying the passkey does not lose a code screen in progress.
 */
export const PASSKEY_LOGIN_COOKIE = "__Host-okb_passkey";

/** Lives as long as the challenge it names (PASSKEY_CHALLENGE_TTL_MS). */
export function passkeyLoginCookieOptions(ttlMs: number): CookieSerializeOptions {
  return { path: "/", secure: true, httpOnly: true, sameSite: "lax", maxAge: Math.ceil(ttlMs / 1000) };
}

/** Binds a forgotten-password code to the browser that asked for it (set whether or not anything matched). */
export const RESET_COOKIE = "__Host-okb_reset";

/**
 * A long-lived random token naming this browser (issue 11: a login from a device this
 * account has not seen is always notified). Only its hash is stored; it grants nothing.
 */
export const DEVICE_COOKIE = "__Host-okb_device";
// 400 days: the longest a browser keeps a cookie (RFC 6265bis).
const DEVICE_COOKIE_SECONDS = 400 * 24 * 60 * 60;

export function deviceCookieOptions(): CookieSerializeOptions {
  return { path: "/", secure: true, httpOnly: true, sameSite: "lax", maxAge: DEVICE_COOKIE_SECONDS };
}

export function sessionCookieOptions(): CookieSerializeOptions {
  return { path: "/", secure: true, httpOnly: true, sameSite: "lax" };
}

/**
 * How long the pre-auth cookie outlives its code (issue 11, item 9). A cookie that dies
 * with the code leaves the server unable to say which code was typed, so an expired code
 * answered "[5121] 認証コードが不正です。" instead of "[5122] …有効期限が切れました。" and the
 * customer retyped it. The cookie names a challenge that expires on the server anyway, so
 * a longer life grants nothing; 30 minutes covers a customer who comes back to the tab.
 */
export const PREAUTH_COOKIE_GRACE_SECONDS = PREAUTH_GRACE_SECONDS;

/** The pre-auth cookie for a code valid `codeTtlSeconds`: it lives the code's lifetime plus the grace. */
export function preauthCookieOptions(codeTtlSeconds: number): CookieSerializeOptions {
  return { path: "/", secure: true, httpOnly: true, sameSite: "lax", maxAge: codeTtlSeconds + PREAUTH_COOKIE_GRACE_SECONDS };
}

/**
 * Why the browser was sent to the login page (issue 21 item 3): one word of a closed set
 * (login-note.ts), set by the member pages' session check and read once by GET /login. A cookie,
 * not a query word, so a link from elsewhere cannot make the login page say it.
 */
export const LOGIN_NOTE_COOKIE = "__Host-okb_ended";

/** Long enough to follow the redirect on a slow phone; the login page clears it when it shows it. */
export function loginNoteCookieOptions(): CookieSerializeOptions {
  return { path: "/", secure: true, httpOnly: true, sameSite: "lax", maxAge: 5 * 60 };
}

export function clearedCookieOptions(): CookieSerializeOptions {
  return { path: "/", secure: true, httpOnly: true, sameSite: "lax" };
}

/**
 * The operator console's session (DESIGN §5), apart from the customers'. Strict: the
 * console is only ever used from its own pages, never entered by a link from elsewhere.
 */
export const CONSOLE_COOKIE = "__Host-okb_console";

export function consoleCookieOptions(): CookieSerializeOptions {
  return { path: "/", secure: true, httpOnly: true, sameSite: "strict" };
}

/**
 * The CSRF secret (csrf.ts). Strict: no other site ever needs to send it, and
 * a page loaded from elsewhere simply gets a new secret with its form.
 */
export const CSRF_COOKIE = "__Host-okb_csrf";

export function csrfCookieOptions(): CookieSerializeOptions {
  return { path: "/", secure: true, httpOnly: true, sameSite: "strict" };
}

/**
 * A trading site sent the customer here to log in (issue 20 item 3): the OpenID Provider's
 * interaction waits at /oidc/interaction/UID while our own login pages do the login. Every way of
 * logging in (password, password + code, passkey) lands on マイページ, which sends the browser back
 * to the interaction instead while this cookie names one. Only an interaction's ID is kept, and
 * only that path is ever built from it, so the cookie cannot send anyone elsewhere.
 */
export const PENDING_INTERACTION_COOKIE = "__Host-okb_oidc";

const INTERACTION_UID = /^[A-Za-z0-9_-]{10,64}$/u;

export function rememberPendingInteraction(reply: FastifyReply, uid: string, seconds: number): void {
  reply.setCookie(PENDING_INTERACTION_COOKIE, uid, { path: "/", secure: true, httpOnly: true, sameSite: "lax", maxAge: seconds });
}

/** The interaction to go back to (and the cookie cleared), or null. */
export function takePendingInteraction(request: FastifyRequest, reply: FastifyReply): string | null {
  const uid = request.cookies[PENDING_INTERACTION_COOKIE];
  if (uid === undefined) {
    return null;
  }
  reply.clearCookie(PENDING_INTERACTION_COOKIE, clearedCookieOptions());
  return INTERACTION_UID.test(uid) ? `/oidc/interaction/${uid}` : null;
}
