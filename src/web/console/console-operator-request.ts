import type { FastifyRequest } from "fastify";
import type { OperatorRequest } from "../../core/console/operator-request.ts";
import { operatorOf } from "./console-session.ts";
import { contextOf } from "../kernel/request-context.ts";

/** The operator behind a console request (`requireOperator` found them) and where the request came from. */
export function operatorRequestOf(request: FastifyRequest): OperatorRequest {
  return { operator: operatorOf(request).operator, context: contextOf(request) };
}
