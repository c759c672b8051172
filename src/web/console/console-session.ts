import type { FastifyReply, FastifyRequest } from "fastify";
import type { AuthenticatedOperator, OperatorSessions } from "../../core/console/operators/operator-session.ts";
import { NotAuthenticatedError } from "../../core/kernel/errors.ts";
import { CONSOLE_COOKIE, consoleCookieOptions } from "../kernel/cookies.ts";
import { jsonOnly } from "../kernel/content-type.ts";
import { detectLang } from "../kernel/i18n.ts";
import { onEveryRoute } from "../kernel/plugin.ts";
import type { WebScope } from "../kernel/plugin.ts";
import { contextOf } from "../kernel/request-context.ts";
import { consoleHref } from "./console-page.ts";

declare module "fastify" {
  interface FastifyRequest {
    /**
     * Set by the console session's preHandler: the operator behind the console cookie (the
     * request audit hook audits their requests; the console's error page keeps their menu).
     */
    operator?: AuthenticatedOperator;
  }
}

/** What the console's session preHandlers need: the operator behind the console cookie, checked each time. */
export type OperatorSessionCheck = Pick<OperatorSessions, "authenticate">;

/**
 * The console's JSON API for the CRM: a live console session or [4010], then JSON bodies only
 * (415), on every route of `scope`. Checked on every request, so a disabled operator's session
 * ends at once (issue 12 §6).
 */
export function operatorApi(scope: WebScope, operatorSessions: OperatorSessionCheck): void {
  onEveryRoute(scope, operatorApiSession(operatorSessions), jsonOnly);
}

/**
 * The console's pages: a live console session, else a redirect to /console/login (a stale
 * cookie cleared), on every route of `scope`. Reads the console cookie only, never the customers'.
 */
export function operatorPages(scope: WebScope, operatorSessions: OperatorSessionCheck): void {
  onEveryRoute(scope, operatorPageSession(operatorSessions));
}

function operatorApiSession(operatorSessions: OperatorSessionCheck) {
  return async function operatorApiSession(request: FastifyRequest): Promise<void> {
    const current = await operatorSessions.authenticate(request.cookies[CONSOLE_COOKIE], contextOf(request));
    if (current === null) {
      throw new NotAuthenticatedError("no live console session");
    }
    request.operator = current;
  };
}

function operatorPageSession(operatorSessions: OperatorSessionCheck) {
  return async function operatorPageSession(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
    const current = await operatorSessions.authenticate(request.cookies[CONSOLE_COOKIE], contextOf(request));
    if (current === null) {
      if (request.cookies[CONSOLE_COOKIE] !== undefined) {
        reply.clearCookie(CONSOLE_COOKIE, consoleCookieOptions());
      }
      // Returned, so the hook ends with the answer and the handler does not run.
      return reply.redirect(consoleHref("/console/login", detectLang(request)), 303);
    }
    request.operator = current;
    return undefined;
  };
}

/** The operator the group's preHandler found; a route outside an operator group asking for it is a programming error. */
export function operatorOf(request: FastifyRequest): AuthenticatedOperator {
  if (request.operator === undefined) {
    throw new Error(`${request.method} ${request.routeOptions.url ?? ""} is not in an operator route group`);
  }
  return request.operator;
}
