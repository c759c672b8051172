import type { FastifyInstance } from "fastify";
import type { WebDeps } from "../../app.ts";
import type { CustomerFacts } from "../../../core/console/customer-lookup.ts";
import { isoJapanTime } from "../../../core/kernel/japan-time.ts";
import { requireOperator } from "../console-session.ts";
import { operatorRequestOf } from "../console-operator-request.ts";
import { consoleCustomerSearchQuery, parseBody } from "../../kernel/validation.ts";

/**
 * The console's customer search and customer page as JSON for the brokerage's CRM (issue 12 §3, §7).
 * Any live console session (agent or supervisor) may read; viewing a customer is audited by the core.
 * Times are ISO 8601 in Japan time, as in /api/v1.
 */
export function registerConsoleApiV1Customers(app: FastifyInstance, deps: WebDeps): void {
  const { customerLookup, operatorSessions } = deps.console;

  app.register(
    async (api) => {
      api.addHook("preHandler", requireOperator(operatorSessions));

      api.get("/customers", async (request) => {
        const { q } = parseBody(consoleCustomerSearchQuery, request.query);
        return { items: await customerLookup.search(q, operatorRequestOf(request)) };
      });

      api.get<{ Params: { loginId: string } }>("/customers/:loginId", async (request) => {
        return factsJson(await customerLookup.facts(request.params.loginId, operatorRequestOf(request)));
      });
    },
    { prefix: "/console/api/v1" },
  );
}

function isoOrNull(epochMs: number | null): string | null {
  return epochMs === null ? null : isoJapanTime(epochMs);
}

/** The facts with every time in JST; `codeMails` exactly `{queuedAt,state,sentAt,smtpResponse,attempts,lastError}`. */
function factsJson(facts: CustomerFacts): Record<string, unknown> {
  return {
    loginId: facts.loginId,
    name: facts.name,
    maskedEmail: facts.maskedEmail,
    birthDateOnRecord: facts.birthDateOnRecord,
    mfaEnabled: facts.mfaEnabled,
    locked: facts.locked,
    lockedAt: isoOrNull(facts.lockedAt),
    failedCount: facts.failedCount,
    frozen: facts.frozen,
    frozenAt: isoOrNull(facts.frozenAt),
    loginHistory: facts.loginHistory.map((item) => ({ at: isoJapanTime(item.at), ip: item.ip, device: item.device, method: item.method, outcome: item.outcome })),
    sessions: facts.sessions.map((session) => ({ createdAt: isoJapanTime(session.createdAt), lastSeenAt: isoJapanTime(session.lastSeenAt), ip: session.ip, device: session.device })),
    passkeys: facts.passkeys.map((passkey) => ({ name: passkey.name, createdAt: isoJapanTime(passkey.createdAt), lastUsedAt: isoOrNull(passkey.lastUsedAt), backedUp: passkey.backedUp })),
    passkeyRequired: facts.passkeyRequired,
    tradingPin: { set: facts.tradingPin.set, locked: facts.tradingPin.locked, lockedAt: isoOrNull(facts.tradingPin.lockedAt) },
    codeMails: facts.codeMails.map((mail) => ({
      queuedAt: isoJapanTime(mail.queuedAt),
      state: mail.state,
      sentAt: isoOrNull(mail.sentAt),
      smtpResponse: mail.smtpResponse,
      attempts: mail.attempts,
      lastError: mail.lastError,
    })),
    auditTrail: facts.auditTrail.map((entry) => ({ at: isoJapanTime(entry.at), event: entry.event, outcome: entry.outcome, actor: entry.actor, detail: entry.detail })),
  };
}
