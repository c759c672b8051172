import type { FastifyInstance } from "fastify";
import type { WebDeps } from "../app.ts";
import { isoJapanTime } from "../../core/japan-time.ts";
import { requireBodyType } from "../content-type.ts";
import { requireOperator } from "../console-session.ts";
import { consoleCustomerParams, consoleReasonBody, mfaOffListQuery, mfaOffRequestParams, parseBody } from "../validation.ts";
import { operatorActionOf } from "./console-api-v1-actions.ts";

/**
 * Four eyes on MFA off (issue 12 §4, §7): any operator requests, a supervisor other than the
 * requester approves or rejects within 24 hours ([4031] otherwise). Rules in the core
 * (MfaOffRequests); JSON only, a live console session.
 */
export function registerConsoleApiV1MfaOff(app: FastifyInstance, deps: WebDeps): void {
  const { mfaOffRequests, operatorSessions } = deps.console;

  app.register(
    async (api) => {
      api.addHook("preHandler", requireOperator(operatorSessions));
      api.addHook("preHandler", requireBodyType("application/json"));

      api.post("/customers/:loginId/mfa-off-requests", async (request) => {
        const { loginId } = parseBody(consoleCustomerParams, request.params);
        const body = parseBody(consoleReasonBody, request.body);
        const { requestId } = await mfaOffRequests.request(loginId, operatorActionOf(request, body.reason));
        return { requestId };
      });

      api.get("/mfa-off-requests", async (request) => {
        const { state } = parseBody(mfaOffListQuery, request.query);
        const items = await mfaOffRequests.list({ state });
        return { items: items.map((item) => ({ ...item, createdAt: isoJapanTime(item.createdAt), expiresAt: isoJapanTime(item.expiresAt) })) };
      });

      api.post("/mfa-off-requests/:id/approve", async (request) => {
        const { id } = parseBody(mfaOffRequestParams, request.params);
        const body = parseBody(consoleReasonBody, request.body);
        await mfaOffRequests.approve(id, operatorActionOf(request, body.reason));
        return { status: "ok" };
      });

      api.post("/mfa-off-requests/:id/reject", async (request) => {
        const { id } = parseBody(mfaOffRequestParams, request.params);
        const body = parseBody(consoleReasonBody, request.body);
        await mfaOffRequests.reject(id, operatorActionOf(request, body.reason));
        return { status: "ok" };
      });
    },
    { prefix: "/console/api/v1" },
  );
}
