import type { ConsoleRequestAudit, RequestAuditMarks } from "../../core/console/console-request-audit.ts";
import type { WebScope } from "../kernel/plugin.ts";
import { operatorRequestOf } from "./console-operator-request.ts";

/**
 * One place where console requests are audited (issue 17 item 9), on every console route, the API
 * and the pages alike, including routes added later: for a signed-in operator (the console's session
 * preHandlers set `request.operator`), before the answer leaves,
 * - a request answered by `refuse` below status 500 — a role ([4031]), an action that does not
 *   apply, a bad input, an unknown customer — is recorded as `console.refused`;
 * - an allowed one the core recorded nothing for (a list, the dashboard) as `console.requested`.
 * What the core allowed and recorded (an action, a customer viewed) it audits itself, with its detail.
 */
export function auditConsoleRequests(app: WebScope, audit: Pick<ConsoleRequestAudit, "refused" | "requested">, marks: Pick<RequestAuditMarks, "take">): void {
  app.addHook("onSend", async (request, reply, payload) => {
    if (request.operator === undefined || reply.statusCode >= 500) {
      return payload;
    }
    const recorded = marks.take(request.id);
    const route = request.routeOptions.url ?? "(no route)";
    const error = request.refusedWith;
    if (error !== undefined) {
      const params = request.params as Record<string, unknown> | undefined;
      const loginId = params?.["loginId"];
      const id = params?.["id"];
      const onCustomer = route.includes("/customers/:loginId");
      await audit.refused(operatorRequestOf(request), {
        route: `${request.method} ${route}`,
        code: error.code,
        reason: error.reason,
        customerLoginId: onCustomer && typeof loginId === "string" ? loginId : null,
        // What else the path names: an operator's login ID, a request's ID.
        target: !onCustomer && typeof loginId === "string" ? loginId : typeof id === "string" ? id : null,
      });
    } else if (!recorded) {
      await audit.requested(operatorRequestOf(request), `${request.method} ${route}`);
    }
    return payload;
  });
  // A request that ended another way (aborted, 5xx) is not left marked.
  app.addHook("onResponse", async (request) => {
    marks.take(request.id);
  });
}
