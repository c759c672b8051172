import type { FastifyInstance } from "fastify";
import type { WebDeps } from "../../app.ts";
import { requireBodyType } from "../../kernel/content-type.ts";
import { requireOperator } from "../console-session.ts";
import { consoleCustomerParams, consoleReasonBody, parseBody } from "../../kernel/validation.ts";
import { operatorActionOf } from "./console-api-v1-actions.ts";

/**
 * The call center lifts a trading PIN's lock (issue 13 §4) through the console API, in the
 * style of the other actions (console-api-v1-actions.ts): JSON, a live console session, a
 * reason; a PIN that is not locked answers [4000] with `error.reason` `trading_pin_not_locked`.
 */
export function registerConsoleApiV1TradingPin(app: FastifyInstance, deps: WebDeps): void {
  const { tradingPinUnlock, operatorSessions } = deps.console;

  app.register(
    async (api) => {
      api.addHook("preHandler", requireOperator(operatorSessions));
      api.addHook("preHandler", requireBodyType("application/json"));

      api.post("/customers/:loginId/trading-pin-unlock", async (request) => {
        const { loginId } = parseBody(consoleCustomerParams, request.params);
        const body = parseBody(consoleReasonBody, request.body);
        await tradingPinUnlock.unlock(loginId, operatorActionOf(request, body.reason));
        return { status: "ok" };
      });
    },
    { prefix: "/console/api/v1" },
  );
}
