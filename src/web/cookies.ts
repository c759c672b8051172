import type { CookieSerializeOptions } from "@fastify/cookie";

/**
 * DESIGN §4. The `__Host-` prefix makes the browser refuse the cookie unless
 * it is Secure, has Path=/ and no Domain, so no subdomain can plant or read it.
 */
export const SESSION_COOKIE = "__Host-okb_session";
/** Binds a pending code to the browser that passed the password step. */
export const PREAUTH_COOKIE = "__Host-okb_preauth";

export function sessionCookieOptions(): CookieSerializeOptions {
  return { path: "/", secure: true, httpOnly: true, sameSite: "lax" };
}

export function preauthCookieOptions(maxAgeSeconds: number): CookieSerializeOptions {
  return { path: "/", secure: true, httpOnly: true, sameSite: "lax", maxAge: maxAgeSeconds };
}

export function clearedCookieOptions(): CookieSerializeOptions {
  return { path: "/", secure: true, httpOnly: true, sameSite: "lax" };
}

/**
 * The CSRF secret (csrf.ts). Strict: no other site ever needs to send it, and
 * a page loaded from elsewhere simply gets a new secret with its form.
 */
export const CSRF_COOKIE = "__Host-okb_csrf";

export function csrfCookieOptions(): CookieSerializeOptions {
  return { path: "/", secure: true, httpOnly: true, sameSite: "strict" };
}
