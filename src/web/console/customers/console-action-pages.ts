import type { FastifyReply, FastifyRequest } from "fastify";
import type { OperatorAction } from "../../../core/console/operator-action.ts";
import { InvalidInputError, NotFoundError } from "../../../core/kernel/errors.ts";
import { formPostOptions } from "../../kernel/content-type.ts";
import { attemptOrShowAgain } from "../../kernel/form-page.ts";
import type { ShownRefusal } from "../../kernel/form-page.ts";
import { detectLang } from "../../kernel/i18n.ts";
import type { WebPlugin } from "../../kernel/plugin.ts";
import {
  consoleBirthDateCheckBody,
  consoleCustomerParams,
  consoleEmailChangeRequestBody,
  consoleEmailVerificationBody,
  consoleReasonBody,
  consoleRevokeConnectionBody,
  consoleUnfreezeForm,
  mfaOffRequestParams,
  parseBody,
} from "../../kernel/validation.ts";
import type { ConsoleWebOptions } from "../console-plugin.ts";
import { consoleHref } from "../console-page.ts";
import { operatorRequestOf } from "../console-operator-request.ts";
import { operatorPages } from "../console-session.ts";
import { consoleText } from "../i18n-console.ts";
import type { ConsoleTextKey } from "../i18n-console.ts";
import { renderCustomerPage } from "./console-customer-pages.ts";

/**
 * One action form's work: the core call, and the result word the page shows after the redirect;
 * `{ show }` instead shows the page at once with what was typed kept (the 重要メール's code sent:
 * the second step's form keeps the address, which never goes into a URL).
 */
type ActionRun = (loginId: string, action: OperatorAction, body: unknown) => Promise<string | { show: string }>;

/** Forms that need no reason: the rest require one, checked before anything else. */
const WITHOUT_REASON = new Set(["email-verification", "birth-date-check"]);

/** The hint under [4000] in each form's card: which rules its fields have. */
const INPUT_RULE: Record<string, ConsoleTextKey> = {
  "email-verification": "emailCodeRule",
  "email-change-requests": "emailCodeRule",
  "birth-date-check": "birthDateRule",
};

/**
 * The customer page's action forms (issue 12 §4), each a form post with the CSRF token and
 * the origin check, each calling the same core service as the JSON API (CustomerActions,
 * SecurityRequests, EmailVerifications, BirthDateCheck). Done: a redirect back to the customer page with the result (PRG).
 * Refused: the customer page again, the error in the card of the form that failed, with
 * what the operator typed.
 */
export const consoleActionPages: WebPlugin<ConsoleWebOptions> = async (app, options) => {
  const { customerActions, securityRequests, emailVerifications, birthDateCheck, tradingPinUnlock, connectionRevocation, operatorSessions } = options;
  operatorPages(app, operatorSessions);

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
    // The 重要メール change (issue 17): a code to the new address, then the request with the code read back.
    "email-verification": async (loginId, action, body) => {
      const form = parseBody(consoleEmailVerificationBody, body);
      await emailVerifications.send(loginId, form.email, action);
      return { show: "doneEmailCodeSent" };
    },
    "email-change-requests": async (loginId, action, body) => {
      const form = parseBody(consoleEmailChangeRequestBody, body);
      await securityRequests.requestEmailChange(loginId, { email: form.email, code: form.code }, action);
      return "email-change-requested";
    },
    "birth-date-check": async (loginId, action, body) => {
      const form = parseBody(consoleBirthDateCheckBody, body);
      const { match } = await birthDateCheck.check(loginId, form.birthDate, action);
      return match ? "birth-date-match" : "birth-date-mismatch";
    },
    "cancel-request": async (_loginId, action, body) => {
      const { id } = parseBody(mfaOffRequestParams, { id: (body as Record<string, unknown> | undefined)?.["requestId"] });
      await securityRequests.cancel(id, action);
      return "request-cancelled";
    },
    "end-sessions": async (loginId, action) => {
      const { ended } = await customerActions.endSessions(loginId, action);
      return ended > 0 ? "end-sessions" : "no-sessions";
    },
    "mfa-off-requests": async (loginId, action) => {
      await securityRequests.requestMfaOff(loginId, action);
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
    // 「サービス連携の解除」 (issue 20 item 8): one form per connected service, the client in a hidden field.
    "revoke-connection": async (loginId, action, body) => {
      const form = parseBody(consoleRevokeConnectionBody, body);
      await connectionRevocation.revoke(loginId, form.clientId, action);
      return "connection-revoked";
    },
    "passkey-required-off-requests": async (loginId, action, body) => {
      const form = parseBody(consoleUnfreezeForm, body);
      await securityRequests.requestPasskeyRequiredOff(loginId, action, { identityChecked: form.identityChecked === "on" });
      return "passkey-required-off-requested";
    },
  };

  const formOnly = { ...formPostOptions(app), schema: { params: consoleCustomerParams } };
  for (const [name, run] of Object.entries(actions)) {
    app.post(`/console/customers/:loginId/${name}`, formOnly, async (request, reply) => act(options, request, reply, request.params.loginId, name, run));
  }
};

async function act(options: ConsoleWebOptions, request: FastifyRequest, reply: FastifyReply, loginId: string, name: string, run: ActionRun): Promise<FastifyReply> {
  const lang = detectLang(request);
  const typed = typedFields(request.body);
  const showAgain = ({ shown, status, error }: ShownRefusal) => {
    // [4000]'s message is one for every bad field; the form says which rules its fields have (a reason has its own message).
    const hint = error instanceof InvalidInputError && error.reason === null ? consoleText(lang, INPUT_RULE[name] ?? "reasonRule") : shown.hint;
    return renderCustomerPage(options, request, reply, loginId, { done: null, failed: { action: name, error: { ...shown, hint }, ...typed } }, status);
  };
  const attempt = async () => {
    const reason = WITHOUT_REASON.has(name) ? "" : parseBody(consoleReasonBody, request.body).reason;
    const done = await run(loginId, { ...operatorRequestOf(request), reason }, request.body);
    if (typeof done !== "string") {
      return renderCustomerPage(options, request, reply, loginId, { done: done.show as ConsoleTextKey, failed: { action: name, error: null, ...typed } });
    }
    return reply.redirect(consoleHref(`/console/customers/${encodeURIComponent(loginId)}`, lang, { done }), 303);
  };
  // An unknown customer has no page to show the refusal on: the console's error page says [4040].
  return attemptOrShowAgain(request, reply, showAgain, attempt, { passOn: (error) => error instanceof NotFoundError });
}

/** What the operator typed, to give it back with the refusal (bounded: it is only shown again). */
function typedFields(body: unknown): { reason: string; email: string } {
  const fields = typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
  const text = (value: unknown, max: number): string => (typeof value === "string" ? value.slice(0, max) : "");
  return { reason: text(fields["reason"], 2000), email: text(fields["email"], 320) };
}
