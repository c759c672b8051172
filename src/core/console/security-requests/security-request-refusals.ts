import type { SecurityRequest } from "./ports-security-requests.ts";
import type { OperatorAction } from "../operator-action.ts";
import type { InvalidInputError } from "../../kernel/errors.ts";
import { operatorActionRefused, OperatorForbiddenError } from "../console-errors.ts";

/**
 * Who may decide a security request and why a decision is refused (security-requests.ts): only a
 * supervisor, never the requester ([4031]), and only while the request is pending ([4000]).
 */

/** [4031] for an agent: only supervisors decide security requests. */
export function refuseNonSupervisor(operator: OperatorAction["operator"]): void {
  if (operator.role !== "supervisor") {
    throw new OperatorForbiddenError(`operator ${operator.id} (${operator.role}) may not decide security requests`);
  }
}

/** Why `operator` may not decide `request` now; null when they may. */
export function decisionRefusal(request: SecurityRequest, operator: OperatorAction["operator"]): OperatorForbiddenError | InvalidInputError | null {
  // Four eyes: nobody decides their own request, so a supervisor cannot weaken an account alone.
  if (request.requestedBy === operator.id) {
    return new OperatorForbiddenError(`operator ${operator.id} may not decide their own request ${request.id}`);
  }
  return stateRefusal(request);
}

/**
 * Why a decision wrote nothing, from the request read again (`request`): another decider won the
 * race (decided, expired), or, the request still pending, an immediate change found the customer's
 * state changed meanwhile (the address).
 */
export function whyNotPending(requestId: string, request: SecurityRequest | null): InvalidInputError {
  if (request?.state === "pending") {
    return operatorActionRefused("changed_meanwhile", `request ${requestId}: the customer's state changed meanwhile`);
  }
  return (request === null ? null : stateRefusal(request)) ?? operatorActionRefused("request_decided", `request ${requestId} was decided meanwhile`);
}

function stateRefusal(request: SecurityRequest): InvalidInputError | null {
  if (request.state === "expired") {
    return operatorActionRefused("request_expired", `request ${request.id} expired at ${request.expiresAt}`);
  }
  if (request.state !== "pending") {
    return operatorActionRefused("request_decided", `request ${request.id} is ${request.state}`);
  }
  return null;
}
