import type { FastifyReply, FastifyRequest } from "fastify";
import { clearedCookieOptions } from "./cookies.ts";

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
