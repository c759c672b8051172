import { operatorActionRefused } from "../../../core/console/console-errors.ts";
import type { WebPlugin } from "../../kernel/plugin.ts";
import { consoleCustomerParams, consoleEmailBody, consoleReasonBody, consoleRevokeConnectionBody, consoleUnfreezeBody, parseBody } from "../../kernel/validation.ts";
import type { ConsoleWebOptions } from "../console-plugin.ts";
import { operatorActionOf } from "../console-operator-request.ts";
import { operatorApi } from "../console-session.ts";

const onCustomer = { schema: { params: consoleCustomerParams } };

/**
 * The console API's actions on a customer (issue 12 §4, §7), for the brokerage's CRM: JSON
 * only, a live console session ([4010] otherwise; a disabled operator's session ends at
 * once), every body checked here and every rule in the core (CustomerActions). An action
 * that does not apply answers [4000] with `error.reason` (console-errors.ts operatorActionRefused).
 */
export const consoleActionsApi: WebPlugin<ConsoleWebOptions> = async (api, { customerActions, connectionRevocation, operatorSessions }) => {
  // As console-api-v1.ts: no CSRF token, JSON only, the origin check, a SameSite=Strict cookie.
  operatorApi(api, operatorSessions);

  api.post("/customers/:loginId/unlock", onCustomer, async (request) => {
    const body = parseBody(consoleReasonBody, request.body);
    await customerActions.unlock(request.params.loginId, operatorActionOf(request, body.reason));
    return { status: "ok" };
  });

  api.post("/customers/:loginId/unfreeze", onCustomer, async (request) => {
    const body = parseBody(consoleUnfreezeBody, request.body);
    await customerActions.unfreeze(request.params.loginId, operatorActionOf(request, body.reason), { identityChecked: body.identityChecked });
    return { status: "ok" };
  });

  // Issue 17: a 重要メール change and パスキー必須 off no longer take effect on one operator's word.
  // These routes of issue 12/13 answer [4000] with a reason that names the request route
  // (console-api-v1-security-requests.ts), after the body is checked as before; nothing is written.
  api.post("/customers/:loginId/email", onCustomer, async (request) => {
    parseBody(consoleEmailBody, request.body);
    throw operatorActionRefused("use_email_change_request", "direct 重要メール change refused: use email-verification and email-change-requests");
  });

  api.post("/customers/:loginId/end-sessions", onCustomer, async (request) => {
    const body = parseBody(consoleReasonBody, request.body);
    const { ended } = await customerActions.endSessions(request.params.loginId, operatorActionOf(request, body.reason));
    return { status: "ok", ended };
  });

  // Issue 20 item 8: one connected service ended (its tokens, a back-channel logout); the customer's sessions go on.
  api.post("/customers/:loginId/revoke-connection", onCustomer, async (request) => {
    const body = parseBody(consoleRevokeConnectionBody, request.body);
    const { ended } = await connectionRevocation.revoke(request.params.loginId, body.clientId, operatorActionOf(request, body.reason));
    return { status: "ok", ended };
  });

  api.post("/customers/:loginId/passkey-required-off", onCustomer, async (request) => {
    parseBody(consoleUnfreezeBody, request.body);
    throw operatorActionRefused("use_passkey_required_off_request", "direct パスキー必須 off refused: use passkey-required-off-requests");
  });

  api.post("/customers/:loginId/mfa-on", onCustomer, async (request) => {
    const body = parseBody(consoleReasonBody, request.body);
    await customerActions.mfaOn(request.params.loginId, operatorActionOf(request, body.reason));
    return { status: "ok" };
  });
};
