import { z } from "zod";
import type { CustomerFacts } from "../../../core/console/customer-lookup.ts";
import { isoJapanTime } from "../../../core/kernel/japan-time.ts";
import type { WebPlugin } from "../../kernel/plugin.ts";
import { consoleCustomerSearchQuery } from "../../kernel/validation.ts";
import type { ConsoleWebOptions } from "../console-plugin.ts";
import { operatorRequestOf } from "../console-operator-request.ts";
import { operatorApi } from "../console-session.ts";

// Any login ID: one that names no customer is the core's [4040] (control characters are refused before: route-parameters.ts).
const customerPathParams = z.object({ loginId: z.string() });

/**
 * The console's customer search and customer page as JSON for the brokerage's CRM (issue 12 §3, §7).
 * Any live console session (agent or supervisor) may read; viewing a customer is audited by the core.
 * Times are ISO 8601 in Japan time, as in /api/v1.
 */
export const consoleCustomersApi: WebPlugin<ConsoleWebOptions> = async (api, { customerLookup, operatorSessions }) => {
  operatorApi(api, operatorSessions);

  api.get("/customers", { schema: { querystring: consoleCustomerSearchQuery } }, async (request) => {
    return { items: await customerLookup.search(request.query.q, operatorRequestOf(request)) };
  });

  api.get("/customers/:loginId", { schema: { params: customerPathParams } }, async (request) => {
    return factsJson(await customerLookup.facts(request.params.loginId, operatorRequestOf(request)));
  });
};

function isoOrNull(epochMs: number | null): string | null {
  return epochMs === null ? null : isoJapanTime(epochMs);
}

/** The facts with every time in JST; `codeMails` exactly `{queuedAt,state,sentAt,smtpResponse,attempts,lastError,bounceReason,bounceText}`. */
function factsJson(facts: CustomerFacts): Record<string, unknown> {
  return {
    loginId: facts.loginId,
    name: facts.name,
    maskedEmail: facts.maskedEmail,
    emailUndeliverable: facts.emailUndeliverable,
    birthDateOnRecord: facts.birthDateOnRecord,
    mfaEnabled: facts.mfaEnabled,
    locked: facts.locked,
    lockedAt: isoOrNull(facts.lockedAt),
    failedCount: facts.failedCount,
    frozen: facts.frozen,
    frozenAt: isoOrNull(facts.frozenAt),
    loginHistory: facts.loginHistory.map((item) => ({ at: isoJapanTime(item.at), ip: item.ip, device: item.device, method: item.method, outcome: item.outcome, services: item.services })),
    sessions: facts.sessions.map((session) => ({ createdAt: isoJapanTime(session.createdAt), lastSeenAt: isoJapanTime(session.lastSeenAt), ip: session.ip, device: session.device })),
    passkeys: facts.passkeys.map((passkey) => ({ name: passkey.name, createdAt: isoJapanTime(passkey.createdAt), lastUsedAt: isoOrNull(passkey.lastUsedAt), backedUp: passkey.backedUp })),
    passkeyRequired: facts.passkeyRequired,
    tradingPin: { set: facts.tradingPin.set, locked: facts.tradingPin.locked, lockedAt: isoOrNull(facts.tradingPin.lockedAt) },
    connectedServices: facts.connectedServices.map((service) => ({ clientId: service.clientId, clientName: service.clientName, since: isoJapanTime(service.since), lastUsedAt: isoJapanTime(service.lastUsedAt) })),
    codeMails: facts.codeMails.map((mail) => ({
      queuedAt: isoJapanTime(mail.queuedAt),
      state: mail.state,
      sentAt: isoOrNull(mail.sentAt),
      smtpResponse: mail.smtpResponse,
      attempts: mail.attempts,
      lastError: mail.lastError,
      bounceReason: mail.bounceReason,
      bounceText: mail.bounceText,
    })),
    auditTrail: facts.auditTrail.map((entry) => ({ at: isoJapanTime(entry.at), event: entry.event, outcome: entry.outcome, actor: entry.actor, detail: entry.detail })),
  };
}
