import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { WebDeps } from "../app.ts";
import type { AuthenticatedOperator } from "../../core/operator-session.ts";
import type { OperatorAction } from "../../core/operator-action.ts";
import { AuthError, InvalidInputError, NotFoundError } from "../../core/errors.ts";
import { consoleText } from "../i18n-console.ts";
import { consoleHref, operatorOrLogin } from "../console-page.ts";
import { detectLang } from "../i18n.ts";
import { formPostOptions } from "../form-post.ts";
import { refuse } from "../refusal.ts";
import { operatorRequestOf } from "../console-operator-request.ts";
import { consoleCustomerParams, consoleEmailBody, consoleReasonBody, consoleUnfreezeForm, parseBody } from "../validation.ts";
import { renderCustomerPage } from "./console-customer-pages.ts";

/** One action form's work: the core call, and the result word the page shows after the redirect. */
type ActionRun = (loginId: string, action: OperatorAction, body: unknown) => Promise<string>;

/**
 * The customer page's action forms (issue 12 §4), each a form post with the CSRF token and
 * the origin check, each calling the same core service as the JSON API (CustomerActions,
 * MfaOffRequests). Done: a redirect back to the customer page with the result (PRG).
 * Refused: the customer page again, the error in the card of the form that failed, with
 * what the operator typed.
 */
export function registerConsoleActionPages(app: FastifyInstance, deps: WebDeps): void {
  const { customerActions, mfaOffRequests, tradingPinUnlock, passkeyRequiredOff } = deps.console;

  const actions: Record<string, ActionRun> = {
    unlock: async (loginId, action) => {
      await customerActions.unlock(loginId, action);
      return "unlock";
    },
    unfreeze: async (loginId, action, body) => {
      const form = parseBody(consoleUnfreezeForm, body);
      await customerActions.unfreeze(loginId, action, { identityChecked: form.identityChecked === "on" });
      return "unfreeze";
    },
    email: async (loginId, action, body) => {
      const form = parseBody(consoleEmailBody, body);
      await customerActions.changeEmail(loginId, form.email, action);
      return "email";
    },
    "end-sessions": async (loginId, action) => {
      const { ended } = await customerActions.endSessions(loginId, action);
      return ended > 0 ? "end-sessions" : "no-sessions";
    },
    "mfa-off-requests": async (loginId, action) => {
      await mfaOffRequests.request(loginId, action);
      return "mfa-off-requested";
    },
    "mfa-on": async (loginId, action) => {
      await customerActions.mfaOn(loginId, action);
      return "mfa-on";
    },
    "trading-pin-unlock": async (loginId, action) => {
      await tradingPinUnlock.unlock(loginId, action);
      return "trading-pin-unlock";
    },
    "passkey-required-off": async (loginId, action, body) => {
      const form = parseBody(consoleUnfreezeForm, body);
      await passkeyRequiredOff.turnOff(loginId, action, { identityChecked: form.identityChecked === "on" });
      return "passkey-required-off";
    },
  };

  const formOnly = formPostOptions(app);
  for (const [name, run] of Object.entries(actions)) {
    app.post(`/console/customers/:loginId/${name}`, formOnly, async (request, reply) => {
      const current = await operatorOrLogin(deps.console.operatorSessions, request, reply);
      if (current === null) {
        return reply;
      }
      return act(deps, request, reply, current, name, run);
    });
  }
}

async function act(deps: WebDeps, request: FastifyRequest, reply: FastifyReply, current: AuthenticatedOperator, name: string, run: ActionRun): Promise<FastifyReply> {
  const lang = detectLang(request);
  const { loginId } = parseBody(consoleCustomerParams, request.params);
  const typed = typedFields(request.body);
  try {
    const { reason } = parseBody(consoleReasonBody, request.body);
    const done = await run(loginId, { ...operatorRequestOf(request), reason }, request.body);
    return reply.redirect(consoleHref(`/console/customers/${encodeURIComponent(loginId)}`, lang, { done }), 303);
  } catch (error) {
    // An unknown customer has no page to show the refusal on: the console's error page says [4040].
    if (!(error instanceof AuthError) || error instanceof NotFoundError) {
      throw error;
    }
    const { shown, status } = refuse(request, reply, error, lang);
    // [4000]'s message is one for every bad field; the form says which rules its fields have.
    const hint = error instanceof InvalidInputError ? consoleText(lang, name === "email" ? "reasonOrEmailRule" : "reasonRule") : shown.hint;
    return renderCustomerPage(deps, request, reply, current, { done: null, failed: { action: name, error: { ...shown, hint }, ...typed } }, status);
  }
}

/** What the operator typed, to give it back with the refusal (bounded: it is only shown again). */
function typedFields(body: unknown): { reason: string; email: string } {
  const fields = typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
  const text = (value: unknown, max: number): string => (typeof value === "string" ? value.slice(0, max) : "");
  return { reason: text(fields["reason"], 2000), email: text(fields["email"], 320) };
}
