import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { WebDeps } from "../../app.ts";
import type { AuthenticatedOperator } from "../../../core/console/operators/operator-session.ts";
import type { CustomerSummary } from "../../../core/console/customer-lookup.ts";
import type { PageError } from "../../kernel/render.ts";
import type { ConsoleTextKey } from "../i18n-console.ts";
import { CONSOLE_SEARCH_MAX_RESULTS } from "../../../core/console/customer-lookup.ts";
import { AuthError } from "../../../core/kernel/errors.ts";
import { consolePageBase, operatorOrLogin, renderConsolePage } from "../console-page.ts";
import { customerPageView } from "./console-customer-view.ts";
import { consoleText } from "../i18n-console.ts";
import { refuse } from "../../kernel/refusal.ts";
import { operatorRequestOf } from "../console-operator-request.ts";
import { consoleCustomerParams, consoleCustomerSearchQuery, parseBody } from "../../kernel/validation.ts";

/** What a console action form shows after a refusal: which form, the error, and what the operator typed. */
export interface FailedAction {
  action: string;
  /** Null after a step that succeeded but shows the page with what was typed (the 重要メール's code sent). */
  error: PageError | null;
  reason: string;
  email: string;
}

// The result of an action, carried by the redirect after it (PRG) as a fixed word, never as text.
const DONE_TEXT: Record<string, ConsoleTextKey> = {
  unlock: "doneUnlock",
  unfreeze: "doneUnfreeze",
  "email-code-sent": "doneEmailCodeSent",
  "email-change-requested": "doneEmailChangeRequested",
  "passkey-required-off-requested": "donePasskeyRequiredOffRequested",
  "birth-date-match": "doneBirthDateMatch",
  "birth-date-mismatch": "doneBirthDateMismatch",
  "request-cancelled": "doneRequestCancelled",
  "end-sessions": "doneEndSessions",
  "no-sessions": "doneNoSessions",
  "mfa-off-requested": "doneMfaOffRequested",
  "mfa-on": "doneMfaOn",
  "trading-pin-unlock": "doneTradingPinUnlock",
};

/**
 * The console's search (GET /console) and customer page (GET /console/customers/:loginId),
 * issue 12 §3: the same core calls as the JSON API (CustomerLookup), so viewing a customer
 * is audited the same way. Without a live console session both redirect to /console/login.
 */
export function registerConsoleCustomerPages(app: FastifyInstance, deps: WebDeps): void {
  const { config } = deps;
  const { customerLookup, operatorSessions } = deps.console;

  app.get("/console", async (request, reply) => {
    const current = await operatorOrLogin(operatorSessions, request, reply);
    if (current === null) {
      return reply;
    }
    const base = consolePageBase(request, config.brand, current);
    const raw = (request.query as Record<string, unknown> | undefined)?.["q"];
    const query = typeof raw === "string" ? raw.trim().slice(0, 100) : "";
    if (query === "") {
      return renderConsolePage(reply, "console-search", base, { query: "", results: null, truncated: false, error: null });
    }
    try {
      const { q } = parseBody(consoleCustomerSearchQuery, request.query);
      const results: CustomerSummary[] = await customerLookup.search(q, operatorRequestOf(request));
      return renderConsolePage(reply, "console-search", base, { query, results, truncated: results.length >= CONSOLE_SEARCH_MAX_RESULTS, error: null });
    } catch (error) {
      if (!(error instanceof AuthError)) {
        throw error;
      }
      const { shown, status } = refuse(request, reply, error, base.lang);
      return renderConsolePage(reply, "console-search", base, { query, results: null, truncated: false, error: shown }, status);
    }
  });

  app.get("/console/customers/:loginId", async (request, reply) => {
    const current = await operatorOrLogin(operatorSessions, request, reply);
    if (current === null) {
      return reply;
    }
    const done = (request.query as Record<string, unknown> | undefined)?.["done"];
    const doneKey = typeof done === "string" ? DONE_TEXT[done] : undefined;
    return renderCustomerPage(deps, request, reply, current, { done: doneKey ?? null, failed: null });
  });
}

/**
 * Renders the customer page of the `:loginId` in the request's path: the facts, the open
 * security requests, and the action forms (one of them with its refusal, after a failed post).
 * An unknown login ID throws [4040] to the console's error page.
 */
export async function renderCustomerPage(
  deps: WebDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  current: AuthenticatedOperator,
  state: { done: ConsoleTextKey | null; failed: FailedAction | null },
  status = 200,
): Promise<FastifyReply> {
  const { customerLookup, securityRequests } = deps.console;
  const base = consolePageBase(request, deps.config.brand, current);
  const { loginId } = parseBody(consoleCustomerParams, request.params);
  const facts = await customerLookup.facts(loginId, operatorRequestOf(request));
  const open = await securityRequests.openFor(facts.loginId);
  return renderConsolePage(
    reply,
    "console-customer",
    base,
    {
      c: customerPageView(facts, open, base.lang),
      done: state.done === null ? null : consoleText(base.lang, state.done),
      // 不一致 is a result the operator must act on (the caller may not be the customer), not a success.
      doneIsWarning: state.done === "doneBirthDateMismatch",
      failed: state.failed,
      // The page-level error box stays empty: a refusal shows in the card of the form that failed.
      error: null,
    },
    status,
  );
}
