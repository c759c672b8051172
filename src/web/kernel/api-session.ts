import type { FastifyRequest } from "fastify";
import type { AuthenticatedSession, SessionService } from "../../core/login/session.ts";
import { NotAuthenticatedError } from "../../core/kernel/errors.ts";
import { SESSION_COOKIE } from "./cookies.ts";
import { contextOf } from "./request-context.ts";

/** Finds the live session of a JSON API request, or throws [4010]. */
export type ApiSession = (request: FastifyRequest) => Promise<AuthenticatedSession>;

/**
 * The customer's JSON API (`/api/v1`) asks for the session on every route ([4010] without one), as
 * `sessionOrLogin` does for the pages; checked each time, so a locked or frozen customer's session ends at once.
 */
export function apiSession(sessions: SessionService): ApiSession {
  return async (request) => {
    const current = await sessions.authenticate(request.cookies[SESSION_COOKIE], contextOf(request));
    if (current === null) {
      throw new NotAuthenticatedError("no live session");
    }
    return current;
  };
}
