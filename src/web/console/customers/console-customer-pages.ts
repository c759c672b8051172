import type { FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { CustomerSummary } from "../../../core/console/customer-lookup.ts";
import type { PageError } from "../../kernel/render.ts";
import type { ConsoleTextKey } from "../i18n-console.ts";
import { CONSOLE_SEARCH_MAX_RESULTS } from "../../../core/console/customer-lookup.ts";
import { attemptOrShowAgain } from "../../kernel/form-page.ts";
import type { ShownRefusal } from "../../kernel/form-page.ts";
import type { WebPlugin } from "../../kernel/plugin.ts";
import { queryWord, refuseInvalidParameters } from "../../kernel/route-parameters.ts";
import { consoleCustomerParams, consoleCustomerSearchQuery } from "../../kernel/validation.ts";
import type { ConsoleWebOptions } from "../console-plugin.ts";
import { consolePageBase, renderConsolePage } from "../console-page.ts";
import { operatorRequestOf } from "../console-operator-request.ts";
import { operatorOf, operatorPages } from "../console-session.ts";
import { consoleText } from "../i18n-console.ts";
import { customerPageView } from "./console-customer-view.ts";

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
  "connection-revoked": "doneConnectionRevoked",
};

// The search box: blank searches nothing; anything else is checked as the API checks it, and a
// refusal shows under the box, with what was typed.
const searchQuery = z.object({
  q: z.preprocess((value) => (typeof value === "string" && value.trim() !== "" ? value : undefined), consoleCustomerSearchQuery.shape.q.optional()),
});

const customerQuery = z.object({ done: queryWord(...Object.keys(DONE_TEXT)) });

/**
 * The console's search (GET /console) and customer page (GET /console/customers/:loginId),
 * issue 12 §3: the same core calls as the JSON API (CustomerLookup), so viewing a customer
 * is audited the same way. Without a live console session both redirect to /console/login.
 */
export const consoleCustomerPages: WebPlugin<ConsoleWebOptions> = async (app, options) => {
  const { brand, customerLookup, operatorSessions } = options;
  operatorPages(app, operatorSessions);

  app.get("/console", { schema: { querystring: searchQuery }, config: { showsParameterRefusal: true } }, async (request, reply) => {
    const base = consolePageBase(request, brand, operatorOf(request));
    // As typed whether or not it passed: only a text that is not blank can be refused.
    const typed = request.query.q;
    if (typed === undefined) {
      return renderConsolePage(reply, "console-search", base, { query: "", results: null, truncated: false, error: null });
    }
    const query = typed.trim().slice(0, 100);
    const showAgain = ({ shown, status }: ShownRefusal) => renderConsolePage(reply, "console-search", base, { query, results: null, truncated: false, error: shown }, status);
    return attemptOrShowAgain(request, reply, showAgain, async () => {
      refuseInvalidParameters(request);
      const results: CustomerSummary[] = await customerLookup.search(typed, operatorRequestOf(request));
      return renderConsolePage(reply, "console-search", base, { query, results, truncated: results.length >= CONSOLE_SEARCH_MAX_RESULTS, error: null });
    });
  });

  app.get("/console/customers/:loginId", { schema: { params: consoleCustomerParams, querystring: customerQuery } }, async (request, reply) => {
    const { done } = request.query;
    return renderCustomerPage(options, request, reply, request.params.loginId, { done: done === null ? null : (DONE_TEXT[done] ?? null), failed: null });
  });
};

/**
 * Renders the customer page of `loginId`: the facts, the open security requests, and the
 * action forms (one of them with its refusal, after a failed post). An unknown login ID
 * throws [4040] to the console's error page.
 */
export async function renderCustomerPage(
  options: Pick<ConsoleWebOptions, "brand" | "customerLookup" | "securityRequests">,
  request: FastifyRequest,
  reply: FastifyReply,
  loginId: string,
  state: { done: ConsoleTextKey | null; failed: FailedAction | null },
  status = 200,
): Promise<FastifyReply> {
  const base = consolePageBase(request, options.brand, operatorOf(request));
  const facts = await options.customerLookup.facts(loginId, operatorRequestOf(request));
  const open = await options.securityRequests.openFor(facts.loginId);
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
