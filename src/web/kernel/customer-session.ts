import type { FastifyReply, FastifyRequest } from "fastify";
import type { AuthenticatedSession, SessionService } from "../../core/login/session.ts";
import { NotAuthenticatedError } from "../../core/kernel/errors.ts";
import { SESSION_COOKIE, clearedCookieOptions } from "./cookies.ts";
import { jsonOnly } from "./content-type.ts";
import { leaveLoginNote } from "./login-note.ts";
import { detectLang, langQuery } from "./i18n.ts";
import { onEveryRoute } from "./plugin.ts";
import type { WebScope } from "./plugin.ts";
import { contextOf } from "./request-context.ts";

declare module "fastify" {
  interface FastifyRequest {
    /** Set by the customer session's preHandler on the member pages and APIs: the live session behind the cookie. */
    customerSession?: AuthenticatedSession;
  }
}

/** What the session preHandlers need: the session behind a cookie, checked each time. */
export type SessionCheck = Pick<SessionService, "authenticate" | "authenticateBearer">;

/**
 * The member pages (マイページ and what it links to): every route of `scope` needs a live session;
 * without one, a stale cookie is cleared and the browser sent to /login (303), as GET / does, with
 * a note for the login page saying why (the session's end reason, or "please log in first").
 */
export function customerPages(scope: WebScope, sessions: SessionCheck): void {
  onEveryRoute(scope, customerPageSession(sessions));
}

/**
 * The customer's JSON API (`/api/v1`) where it needs the session: JSON bodies only (415), then a
 * live session or [4010], on every route of `scope`.
 */
export function customerApi(scope: WebScope, sessions: SessionCheck): void {
  onEveryRoute(scope, jsonOnly, customerApiSession(sessions));
}

/** The customer's JSON API where no session is needed (login, recovery): JSON bodies only. */
export function publicApi(scope: WebScope): void {
  onEveryRoute(scope, jsonOnly);
}

/** Checked on every request, so a locked or frozen customer's session ends at once. */
function customerPageSession(sessions: SessionCheck) {
  return async function customerPageSession(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
    const checked = await sessions.authenticate(request.cookies[SESSION_COOKIE], contextOf(request));
    if (checked.live === null) {
      reply.clearCookie(SESSION_COOKIE, clearedCookieOptions());
      leaveLoginNote(reply, checked.endedBecause ?? "login_required");
      // Returned, so the hook ends with the answer and the handler does not run.
      return reply.redirect(`/login${langQuery(detectLang(request))}`, 303);
    }
    request.customerSession = checked.live;
    return undefined;
  };
}

/** `Authorization: Bearer TOKEN` (RFC 6750): the app and a trading site's back end, with an access token of the OpenID Provider. */
const BEARER = /^Bearer +([A-Za-z0-9._~+/-]+=*) *$/u;

function customerApiSession(sessions: SessionCheck) {
  return async function customerApiSession(request: FastifyRequest): Promise<void> {
    const authorization = request.headers.authorization;
    // An Authorization header decides alone: a bad token is [4010] even beside a good cookie.
    const checked =
      authorization === undefined
        ? await sessions.authenticate(request.cookies[SESSION_COOKIE], contextOf(request))
        : await sessions.authenticateBearer(BEARER.exec(authorization)?.[1] ?? "");
    if (checked.live === null) {
      // The reason (when a session ended) as `error.reason`; code and message as ever.
      throw new NotAuthenticatedError(`no live session (${checked.endedBecause ?? "none"})`, checked.endedBecause);
    }
    request.customerSession = checked.live;
  };
}

/** The session the group's preHandler found; a route outside a member group asking for it is a programming error. */
export function sessionOf(request: FastifyRequest): AuthenticatedSession {
  if (request.customerSession === undefined) {
    throw new Error(`${request.method} ${request.routeOptions.url ?? ""} is not in a member route group`);
  }
  return request.customerSession;
}
