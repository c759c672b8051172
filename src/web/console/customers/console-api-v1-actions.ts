import type { FastifyInstance, FastifyRequest } from "fastify";
import type { WebDeps } from "../../app.ts";
import type { OperatorAction } from "../../../core/console/operator-action.ts";
import { requireBodyType } from "../../kernel/content-type.ts";
import { contextOf } from "../../kernel/request-context.ts";
import { operatorActionRefused } from "../../../core/console/console-errors.ts";
import { operatorOf, requireOperator } from "../console-session.ts";
import { consoleCustomerParams, consoleEmailBody, consoleReasonBody, consoleUnfreezeBody, parseBody } from "../../kernel/validation.ts";

/** The operator behind the console cookie, the reason as sent (the core checks it), where the request came from. */
export function operatorActionOf(request: FastifyRequest, reason: string): OperatorAction {
  return { operator: operatorOf(request).operator, reason, context: contextOf(request) };
}

/**
 * The console API's actions on a customer (issue 12 §4, §7), for the brokerage's CRM: JSON
 * only, a live console session ([4010] otherwise; a disabled operator's session ends at
 * once), every body checked here and every rule in the core (CustomerActions). An action
 * that does not apply answers [4000] with `error.reason` (console-errors.ts operatorActionRefused).
 */
export function registerConsoleApiV1Actions(app: FastifyInstance, deps: WebDeps): void {
  const { customerActions, operatorSessions } = deps.console;

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

      // Issue 17: a 重要メール change and パスキー必須 off no longer take effect on one operator's word.
      // These routes of issue 12/13 answer [4000] with a reason that names the request route
      // (console-api-v1-security-requests.ts), after the body is checked as before; nothing is written.
      api.post("/customers/:loginId/email", async (request) => {
        parseBody(consoleCustomerParams, request.params);
        parseBody(consoleEmailBody, request.body);
        throw operatorActionRefused("use_email_change_request", "direct 重要メール change refused: use email-verification and email-change-requests");
      });

      api.post("/customers/:loginId/end-sessions", async (request) => {
        const { loginId } = parseBody(consoleCustomerParams, request.params);
        const body = parseBody(consoleReasonBody, request.body);
        const { ended } = await customerActions.endSessions(loginId, operatorActionOf(request, body.reason));
        return { status: "ok", ended };
      });

      api.post("/customers/:loginId/passkey-required-off", async (request) => {
        parseBody(consoleCustomerParams, request.params);
        parseBody(consoleUnfreezeBody, request.body);
        throw operatorActionRefused("use_passkey_required_off_request", "direct パスキー必須 off refused: use passkey-required-off-requests");
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
