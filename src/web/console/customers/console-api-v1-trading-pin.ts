import type { WebPlugin } from "../../kernel/plugin.ts";
import { consoleCustomerParams, consoleReasonBody, parseBody } from "../../kernel/validation.ts";
import type { ConsoleWebOptions } from "../console-plugin.ts";
import { operatorActionOf } from "../console-operator-request.ts";
import { operatorApi } from "../console-session.ts";

/**
 * The call center lifts a trading PIN's lock (issue 13 §4) through the console API, in the
 * style of the other actions (console-api-v1-actions.ts): JSON, a live console session, a
 * reason; a PIN that is not locked answers [4000] with `error.reason` `trading_pin_not_locked`.
 */
export const consoleTradingPinApi: WebPlugin<ConsoleWebOptions> = async (api, { tradingPinUnlock, operatorSessions }) => {
  operatorApi(api, operatorSessions);

  api.post("/customers/:loginId/trading-pin-unlock", { schema: { params: consoleCustomerParams } }, async (request) => {
    const body = parseBody(consoleReasonBody, request.body);
    await tradingPinUnlock.unlock(request.params.loginId, operatorActionOf(request, body.reason));
    return { status: "ok" };
  });
};
