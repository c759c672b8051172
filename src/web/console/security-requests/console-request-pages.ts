import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { WebDeps } from "../../app.ts";
import type { AuthenticatedOperator } from "../../../core/console/operators/operator-session.ts";
import type { PageError } from "../../kernel/render.ts";
import type { ConsoleTextKey } from "../i18n-console.ts";
import { AuthError, InvalidInputError } from "../../../core/kernel/errors.ts";
import { formatJapanTime } from "../../../core/kernel/japan-time.ts";
import { consoleHref, consolePageBase, operatorOrLogin, renderConsolePage } from "../console-page.ts";
import { consoleText } from "../i18n-console.ts";
import { detectLang } from "../../kernel/i18n.ts";
import { formPostOptions } from "../../kernel/form-post.ts";
import { refuse } from "../../kernel/refusal.ts";
import { operatorRequestOf } from "../console-operator-request.ts";
import { openRequestView } from "../customers/console-customer-view.ts";
import { consoleReasonBody, mfaOffRequestParams, parseBody } from "../../kernel/validation.ts";

const PAGE = "/console/security-requests";

// The result of a decision, carried by the redirect after it (PRG) as a fixed word.
const DONE_TEXT: Record<string, ConsoleTextKey> = {
  approved: "approvedWaitingNotice",
  "approved-effective": "approvedEffectiveNotice",
  rejected: "rejectedNotice",
  cancelled: "cancelledNotice",
};

/**
 * Security requests waiting for a decision or for their time (issue 17 item 2; issue 12's
 * MFA-off page, now every kind): every operator sees them and may cancel one (the customer
 * called); the approve / reject form is shown to supervisors only, and not on their own
 * requests. The server decides all the same (SecurityRequests): an agent's or the requester's
 * post is refused with [4031], shown on this page. /console/mfa-off-requests stays as before.
 */
export function registerConsoleRequestPages(app: FastifyInstance, deps: WebDeps): void {
  const { securityRequests, operatorSessions } = deps.console;

  for (const path of [PAGE, "/console/mfa-off-requests"]) {
    app.get(path, async (request, reply) => {
      const current = await operatorOrLogin(operatorSessions, request, reply);
      if (current === null) {
        return reply;
      }
      const done = (request.query as Record<string, unknown> | undefined)?.["done"];
      return renderRequests(deps, request, reply, current, { done: typeof done === "string" ? (DONE_TEXT[done] ?? null) : null, error: null, failedId: null, typedReason: "" });
    });
  }

  const formOnly = formPostOptions(app);
  const routes = [
    ...(["approve", "reject", "cancel"] as const).map((decision) => ({ path: `${PAGE}/:id/${decision}`, decision })),
    ...(["approve", "reject"] as const).map((decision) => ({ path: `/console/mfa-off-requests/:id/${decision}`, decision })),
  ];
  for (const { path, decision } of routes) {
    app.post(path, formOnly, async (request, reply) => {
      const current = await operatorOrLogin(operatorSessions, request, reply);
      if (current === null) {
        return reply;
      }
      const lang = detectLang(request);
      const body = request.body as Record<string, unknown> | undefined;
      const typedReason = typeof body?.["reason"] === "string" ? body["reason"].slice(0, 2000) : "";
      let failedId: string | null = null;
      try {
        const { id } = parseBody(mfaOffRequestParams, request.params);
        failedId = id;
        const { reason } = parseBody(consoleReasonBody, request.body);
        const result = await securityRequests[decision](id, { ...operatorRequestOf(request), reason });
        const done = result.state === "effective" ? "approved-effective" : result.state;
        return reply.redirect(consoleHref(PAGE, lang, { done }), 303);
      } catch (error) {
        if (!(error instanceof AuthError)) {
          throw error;
        }
        const { shown, status } = refuse(request, reply, error, lang);
        const hint = error instanceof InvalidInputError && error.reason === null ? consoleText(lang, "reasonRule") : shown.hint;
        return renderRequests(deps, request, reply, current, { done: null, error: { ...shown, hint }, failedId, typedReason }, status);
      }
    });
  }
}

async function renderRequests(
  deps: WebDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  current: AuthenticatedOperator,
  state: { done: ConsoleTextKey | null; error: PageError | null; failedId: string | null; typedReason: string },
  status = 200,
): Promise<FastifyReply> {
  const base = consolePageBase(request, deps.config.brand, current);
  const { securityRequests } = deps.console;
  const items = [...(await securityRequests.list({ state: "pending" })), ...(await securityRequests.list({ state: "approved" }))];
  return renderConsolePage(
    reply,
    "console-requests",
    base,
    {
      supervisor: current.operator.role === "supervisor",
      items: items.map((item) => {
        const view = openRequestView(item, base.lang);
        return {
          id: item.id,
          loginId: item.loginId,
          customerName: item.customerName,
          kindText: view.text,
          stateText: view.state,
          pending: item.state === "pending",
          requestedBy: item.requestedBy,
          reason: item.reason,
          createdAt: formatJapanTime(item.createdAt),
          expiresAt: formatJapanTime(item.expiresAt),
          own: item.requestedBy === current.operator.loginId,
        };
      }),
      done: state.done === null ? null : consoleText(base.lang, state.done),
      error: state.error,
      failedId: state.failedId,
      typedReason: state.typedReason,
    },
    status,
  );
}
