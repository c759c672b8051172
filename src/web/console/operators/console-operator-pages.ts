import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { WebDeps } from "../../app.ts";
import type { AuthenticatedOperator } from "../../../core/console/operators/operator-session.ts";
import type { PageError } from "../../kernel/render.ts";
import { AuthError, InvalidInputError } from "../../../core/kernel/errors.ts";
import { consoleHref, consolePageBase, operatorOrLogin, renderConsolePage } from "../console-page.ts";
import { consoleText } from "../i18n-console.ts";
import { detectLang } from "../../kernel/i18n.ts";
import { formPostOptions } from "../../kernel/form-post.ts";
import { refuse } from "../../kernel/refusal.ts";
import { operatorRequestOf } from "../console-operator-request.ts";
import { consoleOperatorUnlockForm, parseBody } from "../../kernel/validation.ts";

/**
 * The operators page (issue 17 item 15): a supervisor lifts an agent's lock with the operator's login
 * ID and a reason, the same core call as `POST /console/api/v1/operators/{loginId}/unlock`. An agent
 * sees the page without the form; the server refuses their post all the same ([4031], audited).
 */
export function registerConsoleOperatorPages(app: FastifyInstance, deps: WebDeps): void {
  const { operatorSessions, operatorUnlock } = deps.console;

  app.get("/console/operators", async (request, reply) => {
    const current = await operatorOrLogin(operatorSessions, request, reply);
    if (current === null) {
      return reply;
    }
    const done = (request.query as Record<string, unknown> | undefined)?.["done"] === "unlocked";
    return renderOperators(deps, request, reply, current, { done, error: null, typedLoginId: "", typedReason: "" });
  });

  app.post("/console/operators/unlock", formPostOptions(app), async (request, reply) => {
    const current = await operatorOrLogin(operatorSessions, request, reply);
    if (current === null) {
      return reply;
    }
    const lang = detectLang(request);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const typed = (value: unknown, max: number): string => (typeof value === "string" ? value.slice(0, max) : "");
    const state = { typedLoginId: typed(body["loginId"], 64), typedReason: typed(body["reason"], 2000) };
    try {
      const form = parseBody(consoleOperatorUnlockForm, request.body);
      await operatorUnlock.unlock(form.loginId, { ...operatorRequestOf(request), reason: form.reason });
      return reply.redirect(consoleHref("/console/operators", lang, { done: "unlocked" }), 303);
    } catch (error) {
      if (!(error instanceof AuthError)) {
        throw error;
      }
      const { shown, status } = refuse(request, reply, error, lang);
      const hint = error instanceof InvalidInputError && error.reason === null ? consoleText(lang, "reasonRule") : shown.hint;
      return renderOperators(deps, request, reply, current, { done: false, error: { ...shown, hint }, ...state }, status);
    }
  });
}

function renderOperators(
  deps: WebDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  current: AuthenticatedOperator,
  state: { done: boolean; error: PageError | null; typedLoginId: string; typedReason: string },
  status = 200,
): FastifyReply {
  const base = consolePageBase(request, deps.config.brand, current);
  return renderConsolePage(
    reply,
    "console-operators",
    base,
    {
      supervisor: current.operator.role === "supervisor",
      done: state.done ? consoleText(base.lang, "doneOperatorUnlock") : null,
      error: state.error,
      typedLoginId: state.typedLoginId,
      // console-reason.eta gives back what was typed after a refusal.
      failed: state.error === null ? null : { action: "operator-unlock", reason: state.typedReason },
    },
    status,
  );
}
