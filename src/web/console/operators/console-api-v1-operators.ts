import type { WebPlugin } from "../../kernel/plugin.ts";
import { consoleCustomerParams, consoleReasonBody, parseBody } from "../../kernel/validation.ts";
import type { ConsoleWebOptions } from "../console-plugin.ts";
import { operatorActionOf } from "../console-operator-request.ts";
import { operatorApi } from "../console-session.ts";

/**
 * A supervisor lifts an agent's lock (issue 17 item 15): `POST /console/api/v1/operators/{loginId}/unlock`
 * `{reason}` → `{"status":"ok"}`, in the style of the customer actions: JSON, a live console session,
 * the rules in the core (unlockOperatorFromConsole): [4031] for an agent, [4040] an unknown operator,
 * [4000] `not_locked` or `operator_disabled`.
 */
export const consoleOperatorsApi: WebPlugin<ConsoleWebOptions> = async (api, { operatorUnlock, operatorSessions }) => {
  operatorApi(api, operatorSessions);

  api.post("/operators/:loginId/unlock", { schema: { params: consoleCustomerParams } }, async (request) => {
    const body = parseBody(consoleReasonBody, request.body);
    await operatorUnlock.unlock(request.params.loginId, operatorActionOf(request, body.reason));
    return { status: "ok" };
  });
};
