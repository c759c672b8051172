import type { SecurityRequestDecision, SecurityRequestItem } from "../../../core/console/security-requests/security-request-item.ts";
import { isoJapanTime } from "../../../core/kernel/japan-time.ts";
import type { WebPlugin } from "../../kernel/plugin.ts";
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
import type { ConsoleWebOptions } from "../console-plugin.ts";
import { operatorActionOf, operatorRequestOf } from "../console-operator-request.ts";
import { operatorApi } from "../console-session.ts";

const onCustomer = { schema: { params: consoleCustomerParams } };

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
export const consoleSecurityRequestsApi: WebPlugin<ConsoleWebOptions> = async (api, { securityRequests, emailVerifications, birthDateCheck, operatorSessions }) => {
  operatorApi(api, operatorSessions);

  api.post("/customers/:loginId/email-verification", onCustomer, async (request) => {
    const body = parseBody(consoleEmailVerificationBody, request.body);
    await emailVerifications.send(request.params.loginId, body.email, operatorRequestOf(request));
    return { status: "code_sent" };
  });

  api.post("/customers/:loginId/email-change-requests", onCustomer, async (request) => {
    const body = parseBody(consoleEmailChangeRequestBody, request.body);
    return securityRequests.requestEmailChange(request.params.loginId, { email: body.email, code: body.code }, operatorActionOf(request, body.reason));
  });

  api.post("/customers/:loginId/passkey-required-off-requests", onCustomer, async (request) => {
    const body = parseBody(consoleUnfreezeBody, request.body);
    return securityRequests.requestPasskeyRequiredOff(request.params.loginId, operatorActionOf(request, body.reason), { identityChecked: body.identityChecked });
  });

  api.post("/customers/:loginId/birth-date-check", onCustomer, async (request) => {
    const body = parseBody(consoleBirthDateCheckBody, request.body);
    return birthDateCheck.check(request.params.loginId, body.birthDate, operatorRequestOf(request));
  });

  api.get("/security-requests", { schema: { querystring: securityRequestListQuery } }, async (request) => {
    return { items: (await securityRequests.list({ state: request.query.state })).map(securityRequestJson) };
  });

  for (const decision of ["approve", "reject", "cancel"] as const) {
    api.post(`/security-requests/:id/${decision}`, { schema: { params: mfaOffRequestParams } }, async (request) => {
      const body = parseBody(consoleReasonBody, request.body);
      return decisionJson(await securityRequests[decision](request.params.id, operatorActionOf(request, body.reason)));
    });
  }
};
