import type { FastifyInstance, FastifyRequest } from "fastify";
import type { WebDeps } from "../app.ts";
import type { OperatorAction } from "../../core/operator-action.ts";
import { requireBodyType } from "../content-type.ts";
import { contextOf } from "../request-context.ts";
import { operatorOf, requireOperator } from "../console-session.ts";
import { consoleCustomerParams, consoleEmailBody, consoleReasonBody, consoleUnfreezeBody, parseBody } from "../validation.ts";

/** The operator behind the console cookie, the reason as sent (the core checks it), where the request came from. */
export function operatorActionOf(request: FastifyRequest, reason: string): OperatorAction {
  return { operator: operatorOf(request).operator, reason, context: contextOf(request) };
}

/**
 * The console API's actions on a customer (issue 12 §4, §7), for the brokerage's CRM: JSON
 * only, a live console session ([4010] otherwise; a disabled operator's session ends at
 * once), every body checked here and every rule in the core (CustomerActions). An action
 * that does not apply answers [4000] with `error.reason` (OperatorActionRefusedError).
 */
export function registerConsoleApiV1Actions(app: FastifyInstance, deps: WebDeps): void {
  const { customerActions, operatorSessions, passkeyRequiredOff } = deps.console;

  app.register(
    async (api) => {
      // As console-api-v1.ts: no CSRF token, JSON only, the origin check, a SameSite=Strict cookie.
      api.addHook("preHandler", requireOperator(operatorSessions));
      api.addHook("preHandler", requireBodyType("application/json"));

      api.post("/customers/:loginId/unlock", async (request) => {
        const { loginId } = parseBody(consoleCustomerParams, request.params);
        const body = parseBody(consoleReasonBody, request.body);
        await customerActions.unlock(loginId, operatorActionOf(request, body.reason));
        return { status: "ok" };
      });

      api.post("/customers/:loginId/unfreeze", async (request) => {
        const { loginId } = parseBody(consoleCustomerParams, request.params);
        const body = parseBody(consoleUnfreezeBody, request.body);
        await customerActions.unfreeze(loginId, operatorActionOf(request, body.reason), { identityChecked: body.identityChecked });
        return { status: "ok" };
      });

      api.post("/customers/:loginId/email", async (request) => {
        const { loginId } = parseBody(consoleCustomerParams, request.params);
        const body = parseBody(consoleEmailBody, request.body);
        await customerActions.changeEmail(loginId, body.email, operatorActionOf(request, body.reason));
        return { status: "ok" };
      });

      api.post("/customers/:loginId/end-sessions", async (request) => {
        const { loginId } = parseBody(consoleCustomerParams, request.params);
        const body = parseBody(consoleReasonBody, request.body);
        const { ended } = await customerActions.endSessions(loginId, operatorActionOf(request, body.reason));
        return { status: "ok", ended };
      });

      api.post("/customers/:loginId/passkey-required-off", async (request) => {
        const { loginId } = parseBody(consoleCustomerParams, request.params);
        const body = parseBody(consoleUnfreezeBody, request.body);
        await passkeyRequiredOff.turnOff(loginId, operatorActionOf(request, body.reason), { identityChecked: body.identityChecked });
        return { status: "ok" };
      });

      api.post("/customers/:loginId/mfa-on", async (request) => {
        const { loginId } = parseBody(consoleCustomerParams, request.params);
        const body = parseBody(consoleReasonBody, request.body);
        await customerActions.mfaOn(loginId, operatorActionOf(request, body.reason));
        return { status: "ok" };
      });
    },
    { prefix: "/console/api/v1" },
  );
}
