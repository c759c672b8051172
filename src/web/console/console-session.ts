import type { FastifyReply, FastifyRequest, preHandlerHookHandler } from "fastify";
import type { AuthenticatedOperator, OperatorSessions } from "../../core/console/operators/operator-session.ts";
import { NotAuthenticatedError } from "../../core/kernel/errors.ts";
import { CONSOLE_COOKIE } from "../kernel/cookies.ts";
import { contextOf } from "../kernel/request-context.ts";

declare module "fastify" {
  interface FastifyRequest {
    /** Set by `requireOperator` on console routes: the operator behind the console cookie. */
    consoleOperator?: AuthenticatedOperator;
  }
}

/**
 * A preHandler for the console's JSON routes: a live console session or [4010]. Checked on
 * every request, so a disabled operator's session ends at once (issue 12 §6).
 */
export function requireOperator(operatorSessions: OperatorSessions): preHandlerHookHandler {
  return async (request: FastifyRequest, _reply: FastifyReply) => {
    const current = await operatorSessions.authenticate(request.cookies[CONSOLE_COOKIE], contextOf(request));
    if (current === null) {
      throw new NotAuthenticatedError("no live console session");
    }
    request.consoleOperator = current;
  };
}

/** The operator `requireOperator` found; a route without the guard is a programming error. */
export function operatorOf(request: FastifyRequest): AuthenticatedOperator {
  if (request.consoleOperator === undefined) {
    throw new Error("console route registered without requireOperator");
  }
  return request.consoleOperator;
}
