import type { FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { InvalidInputError } from "../../../core/kernel/errors.ts";
import { formPostOptions } from "../../kernel/content-type.ts";
import { attemptOrShowAgain } from "../../kernel/form-page.ts";
import type { ShownRefusal } from "../../kernel/form-page.ts";
import { detectLang } from "../../kernel/i18n.ts";
import type { WebPlugin } from "../../kernel/plugin.ts";
import type { PageError } from "../../kernel/render.ts";
import { queryWord } from "../../kernel/route-parameters.ts";
import { consoleOperatorUnlockForm, parseBody } from "../../kernel/validation.ts";
import type { ConsoleWebOptions } from "../console-plugin.ts";
import { consoleHref, consolePageBase, renderConsolePage } from "../console-page.ts";
import { operatorRequestOf } from "../console-operator-request.ts";
import { operatorOf, operatorPages } from "../console-session.ts";
import { consoleText } from "../i18n-console.ts";

// After an unlock (/console/operators?done=unlocked): the confirmation, carried by the URL alone.
const operatorsQuery = z.object({ done: queryWord("unlocked") });

/**
 * The operators page (issue 17 item 15): a supervisor lifts an agent's lock with the operator's login
 * ID and a reason, the same core call as `POST /console/api/v1/operators/{loginId}/unlock`. An agent
 * sees the page without the form; the server refuses their post all the same ([4031], audited).
 */
export const consoleOperatorPages: WebPlugin<ConsoleWebOptions> = async (app, { brand, operatorSessions, operatorUnlock }) => {
  operatorPages(app, operatorSessions);

  app.get("/console/operators", { schema: { querystring: operatorsQuery } }, async (request, reply) => {
    return renderOperators(brand, request, reply, { done: request.query.done === "unlocked", error: null, typedLoginId: "", typedReason: "" });
  });

  app.post("/console/operators/unlock", formPostOptions(app), async (request, reply) => {
    const lang = detectLang(request);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const typed = (value: unknown, max: number): string => (typeof value === "string" ? value.slice(0, max) : "");
    const state = { typedLoginId: typed(body["loginId"], 64), typedReason: typed(body["reason"], 2000) };
    const showAgain = ({ shown, status, error }: ShownRefusal) => {
      const hint = error instanceof InvalidInputError && error.reason === null ? consoleText(lang, "reasonRule") : shown.hint;
      return renderOperators(brand, request, reply, { done: false, error: { ...shown, hint }, ...state }, status);
    };
    return attemptOrShowAgain(request, reply, showAgain, async () => {
      const form = parseBody(consoleOperatorUnlockForm, request.body);
      await operatorUnlock.unlock(form.loginId, { ...operatorRequestOf(request), reason: form.reason });
      return reply.redirect(consoleHref("/console/operators", lang, { done: "unlocked" }), 303);
    });
  });
};

function renderOperators(
  brand: ConsoleWebOptions["brand"],
  request: FastifyRequest,
  reply: FastifyReply,
  state: { done: boolean; error: PageError | null; typedLoginId: string; typedReason: string },
  status = 200,
): FastifyReply {
  const current = operatorOf(request);
  const base = consolePageBase(request, brand, current);
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
