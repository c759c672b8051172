import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { WebDeps } from "../app.ts";
import type { AuthenticatedOperator } from "../../core/operator-session.ts";
import type { PageError } from "../render.ts";
import { AuthError, InvalidInputError } from "../../core/errors.ts";
import { formatJapanTime } from "../../core/japan-time.ts";
import { consoleHref, consolePageBase, operatorOrLogin, renderConsolePage } from "../console-page.ts";
import { consoleText } from "../i18n-console.ts";
import { detectLang } from "../i18n.ts";
import { formPostOptions } from "../form-post.ts";
import { refuse } from "../refusal.ts";
import { operatorRequestOf } from "../console-operator-request.ts";
import { consoleReasonBody, mfaOffRequestParams, parseBody } from "../validation.ts";

/**
 * MFA-off requests waiting for a decision (issue 12 §4, four eyes): every operator sees them;
 * the approve / reject form is shown to supervisors only, and not on their own requests. The
 * server decides all the same (MfaOffRequests): an agent's or the requester's post is refused
 * with [4031], shown on this page.
 */
export function registerConsoleRequestPages(app: FastifyInstance, deps: WebDeps): void {
  const { mfaOffRequests, operatorSessions } = deps.console;

  app.get("/console/mfa-off-requests", async (request, reply) => {
    const current = await operatorOrLogin(operatorSessions, request, reply);
    if (current === null) {
      return reply;
    }
    const done = (request.query as Record<string, unknown> | undefined)?.["done"];
    return renderRequests(deps, request, reply, current, { done: done === "approved" || done === "rejected" ? done : null, error: null, failedId: null, typedReason: "" });
  });

  const formOnly = formPostOptions(app);
  for (const decision of ["approve", "reject"] as const) {
    app.post(`/console/mfa-off-requests/:id/${decision}`, formOnly, async (request, reply) => {
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
        const action = { ...operatorRequestOf(request), reason };
        await (decision === "approve" ? mfaOffRequests.approve(id, action) : mfaOffRequests.reject(id, action));
        return reply.redirect(consoleHref("/console/mfa-off-requests", lang, { done: decision === "approve" ? "approved" : "rejected" }), 303);
      } catch (error) {
        if (!(error instanceof AuthError)) {
          throw error;
        }
        const { shown, status } = refuse(request, reply, error, lang);
        const hint = error instanceof InvalidInputError ? consoleText(lang, "reasonRule") : shown.hint;
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
  state: { done: "approved" | "rejected" | null; error: PageError | null; failedId: string | null; typedReason: string },
  status = 200,
): Promise<FastifyReply> {
  const base = consolePageBase(request, deps.config.brand, current);
  const items = await deps.console.mfaOffRequests.list({ state: "pending" });
  return renderConsolePage(
    reply,
    "console-requests",
    base,
    {
      supervisor: current.operator.role === "supervisor",
      items: items.map((item) => ({
        id: item.id,
        loginId: item.loginId,
        customerName: item.customerName,
        requestedBy: item.requestedBy,
        reason: item.reason,
        createdAt: formatJapanTime(item.createdAt),
        expiresAt: formatJapanTime(item.expiresAt),
        own: item.requestedBy === current.operator.loginId,
      })),
      done: state.done === null ? null : consoleText(base.lang, state.done === "approved" ? "approvedNotice" : "rejectedNotice"),
      error: state.error,
      failedId: state.failedId,
      typedReason: state.typedReason,
    },
    status,
  );
}
