import { isoJapanTime } from "../../../core/kernel/japan-time.ts";
import type { WebPlugin } from "../../kernel/plugin.ts";
import { consoleCustomerParams, consoleReasonBody, mfaOffListQuery, mfaOffRequestParams, parseBody } from "../../kernel/validation.ts";
import type { ConsoleWebOptions } from "../console-plugin.ts";
import { operatorActionOf } from "../console-operator-request.ts";
import { operatorApi } from "../console-session.ts";

/**
 * Four eyes on MFA off (issue 12 §4, §7): any operator requests, a supervisor other than the
 * requester approves or rejects within 24 hours ([4031] otherwise). Since issue 17 these are the
 * MFA-off kind of the security requests (SecurityRequests: the change takes effect
 * SECURITY_CHANGE_DELAY_HOURS after approval); the routes and their answers stay as they were,
 * and /console/api/v1/security-requests lists and decides every kind.
 */
export const consoleMfaOffApi: WebPlugin<ConsoleWebOptions> = async (api, { securityRequests, operatorSessions }) => {
  operatorApi(api, operatorSessions);

  api.post("/customers/:loginId/mfa-off-requests", { schema: { params: consoleCustomerParams } }, async (request) => {
    const body = parseBody(consoleReasonBody, request.body);
    const { requestId } = await securityRequests.requestMfaOff(request.params.loginId, operatorActionOf(request, body.reason));
    return { requestId };
  });

  api.get("/mfa-off-requests", { schema: { querystring: mfaOffListQuery } }, async (request) => {
    const items = await securityRequests.list({ state: request.query.state, kind: "mfa_off" });
    // The shape of issue 12 (no kind, no new address); effectiveAt added once approved.
    return {
      items: items.map((item) => ({
        id: item.id,
        loginId: item.loginId,
        customerName: item.customerName,
        requestedBy: item.requestedBy,
        reason: item.reason,
        createdAt: isoJapanTime(item.createdAt),
        expiresAt: isoJapanTime(item.expiresAt),
        state: item.state,
        ...(item.effectiveAt === null ? {} : { effectiveAt: isoJapanTime(item.effectiveAt) }),
      })),
    };
  });

  for (const decision of ["approve", "reject"] as const) {
    api.post(`/mfa-off-requests/:id/${decision}`, { schema: { params: mfaOffRequestParams } }, async (request) => {
      const body = parseBody(consoleReasonBody, request.body);
      await securityRequests[decision](request.params.id, operatorActionOf(request, body.reason));
      return { status: "ok" };
    });
  }
};
