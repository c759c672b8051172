import type { FastifyReply, FastifyRequest } from "fastify";
import type { AuthenticatedSession, SessionService } from "../../core/login/session.ts";
import { SESSION_COOKIE, clearedCookieOptions } from "./cookies.ts";
import { detectLang, langQuery } from "./i18n.ts";
import { contextOf } from "./request-context.ts";

/**
 * The live session of a page request, or null after answering with a redirect to /login
 * (as GET / does): every page of the customer area needs a session, and a stale cookie is cleared.
 */
export async function sessionOrLogin(sessions: SessionService, request: FastifyRequest, reply: FastifyReply): Promise<AuthenticatedSession | null> {
  const current = await sessions.authenticate(request.cookies[SESSION_COOKIE], contextOf(request));
  if (current === null) {
    reply.clearCookie(SESSION_COOKIE, clearedCookieOptions());
    await reply.redirect(`/login${langQuery(detectLang(request))}`, 303);
  }
  return current;
}
