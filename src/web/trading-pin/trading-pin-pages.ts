import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { WebDeps } from "../app.ts";
import { AuthError, InvalidCodeError } from "../../core/kernel/errors.ts";
import { formatJapanTime } from "../../core/kernel/japan-time.ts";
import { TradingPinLockedError, TradingPinNotSetError, TradingPinRejectedError, WrongTradingPinError } from "../../core/trading-pin/trading-pin-errors.ts";
import { detectLang, langQuery } from "../kernel/i18n.ts";
import { refuse } from "../kernel/refusal.ts";
import { renderPage } from "../kernel/render.ts";
import type { PageBase } from "../kernel/render.ts";
import { contextOf } from "../kernel/request-context.ts";
import { sessionOrLogin } from "../kernel/page-session.ts";
import { parseBody, tradingPinChangeBody } from "../kernel/validation.ts";
import { formPostOptions } from "../kernel/form-post.ts";

type PinState = "ok" | "locked" | "not_set";

/** Which field an error belongs to, for aria-invalid. */
function fieldInError(code: string): "currentPin" | "newPin" | "code" | null {
  if (code === WrongTradingPinError.code) {
    return "currentPin";
  }
  if (code === TradingPinRejectedError.code) {
    return "newPin";
  }
  return code === InvalidCodeError.code ? "code" : null;
}

/** A refusal that means the form cannot help (locked, none set): the page says whom to call instead. */
function stateAfter(code: string): PinState | null {
  if (code === TradingPinLockedError.code) {
    return "locked";
  }
  return code === TradingPinNotSetError.code ? "not_set" : null;
}

/**
 * 取引暗証番号の変更 (`/trading-pin`, issue 13 §4), built as パスワード変更 is: step 1 mails the
 * code, step 2 takes the current PIN, the new PIN and the code; the same core calls as
 * POST /api/v1/trading-pin/code and PUT /api/v1/trading-pin. A locked PIN, or none, shows whom to call.
 */
export function registerTradingPinPages(app: FastifyInstance, deps: WebDeps): void {
  const { config, sessions, tradingPins, tradingPinChange } = deps;
  const formOnly = formPostOptions(app);
  const base = (request: FastifyRequest): PageBase => ({ lang: detectLang(request), brand: config.brand });
  const refused = (request: FastifyRequest, reply: FastifyReply, error: unknown, step: 1 | 2): FastifyReply => {
    if (!(error instanceof AuthError)) {
      throw error;
    }
    const page = base(request);
    const { shown, status } = refuse(request, reply, error, page.lang);
    const pinState = stateAfter(shown.code) ?? "ok";
    return renderPage(reply, "trading-pin", page, { sent: null, step, pinState, error: shown, invalidField: fieldInError(shown.code) }, status);
  };

  app.get("/trading-pin", async (request, reply) => {
    const current = await sessionOrLogin(sessions, request, reply);
    if (current === null) {
      return reply;
    }
    if ((request.query as Record<string, unknown> | undefined)?.["changed"] === "1") {
      return renderPage(reply, "trading-pin-changed", base(request), {});
    }
    const state = await tradingPins.state(current.customer.id);
    const pinState: PinState = state === null ? "not_set" : state.lockedAt === null ? "ok" : "locked";
    return renderPage(reply, "trading-pin", base(request), { sent: null, step: 1, pinState, error: null, invalidField: null });
  });

  app.post("/trading-pin/code", formOnly, async (request, reply) => {
    const current = await sessionOrLogin(sessions, request, reply);
    if (current === null) {
      return reply;
    }
    try {
      const sent = await tradingPinChange.sendCode(current, contextOf(request));
      const view = { maskedEmail: sent.maskedEmail, sentAt: formatJapanTime(sent.sentAt), expiresAt: formatJapanTime(sent.expiresAt) };
      return renderPage(reply, "trading-pin", base(request), { sent: view, step: 2, pinState: "ok", error: null, invalidField: null });
    } catch (error) {
      return refused(request, reply, error, 1);
    }
  });

  app.post("/trading-pin", formOnly, async (request, reply) => {
    const current = await sessionOrLogin(sessions, request, reply);
    if (current === null) {
      return reply;
    }
    try {
      const body = parseBody(tradingPinChangeBody, request.body);
      await tradingPinChange.change(current, body, contextOf(request));
      const q = langQuery(detectLang(request));
      return reply.redirect(`/trading-pin?${q === "" ? "" : "lang=en&"}changed=1`, 303);
    } catch (error) {
      // The form stays, with a button for a new code (one that expired or was used up needs it).
      return refused(request, reply, error, 2);
    }
  });
}
