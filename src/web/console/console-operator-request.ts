import type { FastifyRequest } from "fastify";
import type { OperatorAction } from "../../core/console/operator-action.ts";
import type { OperatorRequest } from "../../core/console/operator-request.ts";
import { operatorOf } from "./console-session.ts";
import { contextOf } from "../kernel/request-context.ts";

/** The operator behind a console request (the group's session preHandler found them) and where the request came from. */
export function operatorRequestOf(request: FastifyRequest): OperatorRequest {
  return { operator: operatorOf(request).operator, context: contextOf(request) };
}

/** The operator behind the console cookie, the reason as sent (the core checks it), where the request came from. */
export function operatorActionOf(request: FastifyRequest, reason: string): OperatorAction {
  return { ...operatorRequestOf(request), reason };
}
