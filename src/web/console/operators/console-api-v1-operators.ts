import type { FastifyInstance } from "fastify";
import type { WebDeps } from "../../app.ts";
import { requireBodyType } from "../../kernel/content-type.ts";
import { requireOperator } from "../console-session.ts";
import { consoleCustomerParams, consoleReasonBody, parseBody } from "../../kernel/validation.ts";
import { operatorActionOf } from "../customers/console-api-v1-actions.ts";

/**
 * A supervisor lifts an agent's lock (issue 17 item 15): `POST /console/api/v1/operators/{loginId}/unlock`
 * `{reason}` → `{"status":"ok"}`, in the style of the customer actions: JSON, a live console session,
 * the rules in the core (unlockOperatorFromConsole): [4031] for an agent, [4040] an unknown operator,
 * [4000] `not_locked` or `operator_disabled`.
 */
export function registerConsoleApiV1Operators(app: FastifyInstance, deps: WebDeps): void {
  const { operatorUnlock, operatorSessions } = deps.console;

  app.register(
    async (api) => {
      api.addHook("preHandler", requireOperator(operatorSessions));
      api.addHook("preHandler", requireBodyType("application/json"));

      api.post("/operators/:loginId/unlock", async (request) => {
        const { loginId } = parseBody(consoleCustomerParams, request.params);
        const body = parseBody(consoleReasonBody, request.body);
        await operatorUnlock.unlock(loginId, operatorActionOf(request, body.reason));
        return { status: "ok" };
      });
    },
    { prefix: "/console/api/v1" },
  );
}
