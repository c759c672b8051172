import type { FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { InvalidInputError } from "../../../core/kernel/errors.ts";
import { formatJapanTime } from "../../../core/kernel/japan-time.ts";
import { formPostOptions } from "../../kernel/content-type.ts";
import { attemptOrShowAgain } from "../../kernel/form-page.ts";
import type { ShownRefusal } from "../../kernel/form-page.ts";
import { detectLang } from "../../kernel/i18n.ts";
import type { WebPlugin } from "../../kernel/plugin.ts";
import type { PageError } from "../../kernel/render.ts";
import { queryWord, refuseInvalidParameters } from "../../kernel/route-parameters.ts";
import { consoleReasonBody, mfaOffRequestParams, parseBody } from "../../kernel/validation.ts";
import type { ConsoleWebOptions } from "../console-plugin.ts";
import { consoleHref, consolePageBase, renderConsolePage } from "../console-page.ts";
import { operatorRequestOf } from "../console-operator-request.ts";
import { operatorOf, operatorPages } from "../console-session.ts";
import { openRequestView } from "../customers/console-customer-view.ts";
import { consoleText } from "../i18n-console.ts";
import type { ConsoleTextKey } from "../i18n-console.ts";

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
export const consoleRequestPages: WebPlugin<ConsoleWebOptions> = async (app, options) => {
  const { securityRequests, operatorSessions } = options;
  operatorPages(app, operatorSessions);
  const listQuery = z.object({ done: queryWord(...Object.keys(DONE_TEXT)) });

  for (const path of [PAGE, "/console/mfa-off-requests"]) {
    app.get(path, { schema: { querystring: listQuery } }, async (request, reply) => {
      const { done } = request.query;
      return renderRequests(options, request, reply, { done: done === null ? null : (DONE_TEXT[done] ?? null), error: null, failedId: null, typedReason: "" });
    });
  }

  // A bad request ID in the path shows on this page, as any other refusal of the decision.
  const decisionOptions = { ...formPostOptions(app), schema: { params: mfaOffRequestParams }, config: { showsParameterRefusal: true } };
  const routes = [
    ...(["approve", "reject", "cancel"] as const).map((decision) => ({ path: `${PAGE}/:id/${decision}`, decision })),
    ...(["approve", "reject"] as const).map((decision) => ({ path: `/console/mfa-off-requests/:id/${decision}`, decision })),
  ];
  for (const { path, decision } of routes) {
    app.post(path, decisionOptions, async (request, reply) => {
      const lang = detectLang(request);
      const body = request.body as Record<string, unknown> | undefined;
      const typedReason = typeof body?.["reason"] === "string" ? body["reason"].slice(0, 2000) : "";
      let failedId: string | null = null;
      const showAgain = ({ shown, status, error }: ShownRefusal) => {
        const hint = error instanceof InvalidInputError && error.reason === null ? consoleText(lang, "reasonRule") : shown.hint;
        return renderRequests(options, request, reply, { done: null, error: { ...shown, hint }, failedId, typedReason }, status);
      };
      return attemptOrShowAgain(request, reply, showAgain, async () => {
        refuseInvalidParameters(request);
        const { id } = request.params;
        failedId = id;
        const { reason } = parseBody(consoleReasonBody, request.body);
        const result = await securityRequests[decision](id, { ...operatorRequestOf(request), reason });
        const done = result.state === "effective" ? "approved-effective" : result.state;
        return reply.redirect(consoleHref(PAGE, lang, { done }), 303);
      });
    });
  }
};

async function renderRequests(
  options: ConsoleWebOptions,
  request: FastifyRequest,
  reply: FastifyReply,
  state: { done: ConsoleTextKey | null; error: PageError | null; failedId: string | null; typedReason: string },
  status = 200,
): Promise<FastifyReply> {
  const current = operatorOf(request);
  const base = consolePageBase(request, options.brand, current);
  const { securityRequests } = options;
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
