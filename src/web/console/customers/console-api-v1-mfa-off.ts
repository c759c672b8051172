import type { FastifyInstance } from "fastify";
import type { WebDeps } from "../../app.ts";
import { isoJapanTime } from "../../../core/kernel/japan-time.ts";
import { requireBodyType } from "../../kernel/content-type.ts";
import { requireOperator } from "../console-session.ts";
import { consoleCustomerParams, consoleReasonBody, mfaOffListQuery, mfaOffRequestParams, parseBody } from "../../kernel/validation.ts";
import { operatorActionOf } from "./console-api-v1-actions.ts";

/**
 * Four eyes on MFA off (issue 12 §4, §7): any operator requests, a supervisor other than the
 * requester approves or rejects within 24 hours ([4031] otherwise). Since issue 17 these are the
 * MFA-off kind of the security requests (SecurityRequests: the change takes effect
 * SECURITY_CHANGE_DELAY_HOURS after approval); the routes and their answers stay as they were,
 * and /console/api/v1/security-requests lists and decides every kind.
 */
export function registerConsoleApiV1MfaOff(app: FastifyInstance, deps: WebDeps): void {
  const { securityRequests, operatorSessions } = deps.console;

  app.register(
    async (api) => {
      api.addHook("preHandler", requireOperator(operatorSessions));
      api.addHook("preHandler", requireBodyType("application/json"));

      api.post("/customers/:loginId/mfa-off-requests", async (request) => {
        const { loginId } = parseBody(consoleCustomerParams, request.params);
        const body = parseBody(consoleReasonBody, request.body);
        const { requestId } = await securityRequests.requestMfaOff(loginId, operatorActionOf(request, body.reason));
        return { requestId };
      });

      api.get("/mfa-off-requests", async (request) => {
        const { state } = parseBody(mfaOffListQuery, request.query);
        const items = await securityRequests.list({ state, kind: "mfa_off" });
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

      api.post("/mfa-off-requests/:id/approve", async (request) => {
        const { id } = parseBody(mfaOffRequestParams, request.params);
        const body = parseBody(consoleReasonBody, request.body);
        await securityRequests.approve(id, operatorActionOf(request, body.reason));
        return { status: "ok" };
      });

      api.post("/mfa-off-requests/:id/reject", async (request) => {
        const { id } = parseBody(mfaOffRequestParams, request.params);
        const body = parseBody(consoleReasonBody, request.body);
        await securityRequests.reject(id, operatorActionOf(request, body.reason));
        return { status: "ok" };
      });
    },
    { prefix: "/console/api/v1" },
  );
}
