import type { FastifyInstance } from "fastify";
import type { ConsoleRefusalAudit } from "../core/console-refusal-audit.ts";
import { operatorRequestOf } from "./console-operator-request.ts";

/**
 * One place where console refusals are audited (issue 17 item 9): every request of a signed-in
 * operator (the console's guards set `request.consoleOperator`) that was answered by `refuse`
 * below status 500 — a role ([4031]), an action that does not apply, a bad input, an unknown
 * customer — is recorded before the answer leaves, on every console route, the API and the pages
 * alike, including routes added later. What the core allowed it audits itself, with its detail.
 */
export function auditConsoleRefusals(app: FastifyInstance, refusals: ConsoleRefusalAudit): void {
  app.addHook("onSend", async (request, reply, payload) => {
    const error = request.refusedWith;
    if (error === undefined || request.consoleOperator === undefined || reply.statusCode >= 500) {
      return payload;
    }
    const params = request.params as Record<string, unknown> | undefined;
    const route = request.routeOptions.url ?? "(no route)";
    const loginId = params?.["loginId"];
    const id = params?.["id"];
    const onCustomer = route.includes("/customers/:loginId");
    await refusals.refused(operatorRequestOf(request), {
      route: `${request.method} ${route}`,
      code: error.code,
      reason: error.reason,
      customerLoginId: onCustomer && typeof loginId === "string" ? loginId : null,
      // What else the path names: an operator's login ID, a request's ID.
      target: !onCustomer && typeof loginId === "string" ? loginId : typeof id === "string" ? id : null,
    });
    return payload;
  });
}
