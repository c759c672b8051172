import type { FastifyInstance } from "fastify";
import type { WebDeps } from "../../app.ts";
import type { SecurityRequestDecision, SecurityRequestItem } from "../../../core/console/security-requests/security-request-item.ts";
import { isoJapanTime } from "../../../core/kernel/japan-time.ts";
import { requireBodyType } from "../../kernel/content-type.ts";
import { requireOperator } from "../console-session.ts";
import { operatorRequestOf } from "../console-operator-request.ts";
import {
  consoleBirthDateCheckBody,
  consoleCustomerParams,
  consoleEmailChangeRequestBody,
  consoleEmailVerificationBody,
  consoleReasonBody,
  consoleUnfreezeBody,
  mfaOffRequestParams,
  parseBody,
  securityRequestListQuery,
} from "../../kernel/validation.ts";
import { operatorActionOf } from "../customers/console-api-v1-actions.ts";

/** A listed request with its times in JST (ISO 8601), as the rest of the console API. */
export function securityRequestJson(item: SecurityRequestItem): Record<string, unknown> {
  return { ...item, createdAt: isoJapanTime(item.createdAt), expiresAt: isoJapanTime(item.expiresAt), effectiveAt: item.effectiveAt === null ? null : isoJapanTime(item.effectiveAt) };
}

function decisionJson(decision: SecurityRequestDecision): Record<string, unknown> {
  return { ...decision, effectiveAt: decision.effectiveAt === null ? null : isoJapanTime(decision.effectiveAt) };
}

/**
 * Security requests in the console API (issue 17 item 2, DESIGN §7): verify a new 重要メール and
 * request its change, request パスキー必須 off, check a date of birth (一致 / 不一致), list every
 * kind of request and approve, reject or cancel one. Rules in the core (SecurityRequests,
 * EmailVerifications, BirthDateCheck); JSON only, a live console session.
 */
export function registerConsoleApiV1SecurityRequests(app: FastifyInstance, deps: WebDeps): void {
  const { securityRequests, emailVerifications, birthDateCheck, operatorSessions } = deps.console;

  app.register(
    async (api) => {
      api.addHook("preHandler", requireOperator(operatorSessions));
      api.addHook("preHandler", requireBodyType("application/json"));

      api.post("/customers/:loginId/email-verification", async (request) => {
        const { loginId } = parseBody(consoleCustomerParams, request.params);
        const body = parseBody(consoleEmailVerificationBody, request.body);
        await emailVerifications.send(loginId, body.email, operatorRequestOf(request));
        return { status: "code_sent" };
      });

      api.post("/customers/:loginId/email-change-requests", async (request) => {
        const { loginId } = parseBody(consoleCustomerParams, request.params);
        const body = parseBody(consoleEmailChangeRequestBody, request.body);
        return securityRequests.requestEmailChange(loginId, { email: body.email, code: body.code }, operatorActionOf(request, body.reason));
      });

      api.post("/customers/:loginId/passkey-required-off-requests", async (request) => {
        const { loginId } = parseBody(consoleCustomerParams, request.params);
        const body = parseBody(consoleUnfreezeBody, request.body);
        return securityRequests.requestPasskeyRequiredOff(loginId, operatorActionOf(request, body.reason), { identityChecked: body.identityChecked });
      });

      api.post("/customers/:loginId/birth-date-check", async (request) => {
        const { loginId } = parseBody(consoleCustomerParams, request.params);
        const body = parseBody(consoleBirthDateCheckBody, request.body);
        return birthDateCheck.check(loginId, body.birthDate, operatorRequestOf(request));
      });

      api.get("/security-requests", async (request) => {
        const { state } = parseBody(securityRequestListQuery, request.query);
        return { items: (await securityRequests.list({ state })).map(securityRequestJson) };
      });

      for (const decision of ["approve", "reject", "cancel"] as const) {
        api.post(`/security-requests/:id/${decision}`, async (request) => {
          const { id } = parseBody(mfaOffRequestParams, request.params);
          const body = parseBody(consoleReasonBody, request.body);
          return decisionJson(await securityRequests[decision](id, operatorActionOf(request, body.reason)));
        });
      }
    },
    { prefix: "/console/api/v1" },
  );
}
