import type { FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { InvalidCodeError } from "../../core/kernel/errors.ts";
import { formatJapanTime } from "../../core/kernel/japan-time.ts";
import { TradingPinLockedError, TradingPinNotSetError, TradingPinRejectedError, WrongTradingPinError } from "../../core/trading-pin/trading-pin-errors.ts";
import { formPostOptions } from "../kernel/content-type.ts";
import { customerPages, sessionOf } from "../kernel/customer-session.ts";
import { attemptOrShowAgain } from "../kernel/form-page.ts";
import type { ShownRefusal } from "../kernel/form-page.ts";
import { detectLang, langQuery } from "../kernel/i18n.ts";
import type { WebPlugin } from "../kernel/plugin.ts";
import { renderPage } from "../kernel/render.ts";
import type { PageBase } from "../kernel/render.ts";
import { contextOf } from "../kernel/request-context.ts";
import { queryWord } from "../kernel/route-parameters.ts";
import { parseBody, tradingPinChangeBody } from "../kernel/validation.ts";
import type { TradingPinWebOptions } from "./trading-pin-plugin.ts";

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

// After a change (/trading-pin?changed=1): the confirmation instead of the form.
const tradingPinQuery = z.object({ changed: queryWord("1") });

/**
 * 取引暗証番号の変更 (`/trading-pin`, issue 13 §4), built as パスワード変更 is: step 1 mails the
 * code, step 2 takes the current PIN, the new PIN and the code; the same core calls as
 * POST /api/v1/trading-pin/code and PUT /api/v1/trading-pin. A locked PIN, or none, shows whom to call.
 */
export const tradingPinPages: WebPlugin<TradingPinWebOptions> = async (app, { brand, sessions, tradingPins, tradingPinChange }) => {
  customerPages(app, sessions);
  const formOnly = formPostOptions(app);
  const base = (request: FastifyRequest): PageBase => ({ lang: detectLang(request), brand });
  const showAgain =
    (request: FastifyRequest, reply: FastifyReply, step: 1 | 2) =>
    ({ shown, status }: ShownRefusal): FastifyReply => {
      const pinState = stateAfter(shown.code) ?? "ok";
      return renderPage(reply, "trading-pin", base(request), { sent: null, step, pinState, error: shown, invalidField: fieldInError(shown.code) }, status);
    };

  app.get("/trading-pin", { schema: { querystring: tradingPinQuery } }, async (request, reply) => {
    if (request.query.changed === "1") {
      return renderPage(reply, "trading-pin-changed", base(request), {});
    }
    const state = await tradingPins.state(sessionOf(request).customer.id);
    const pinState: PinState = state === null ? "not_set" : state.lockedAt === null ? "ok" : "locked";
    return renderPage(reply, "trading-pin", base(request), { sent: null, step: 1, pinState, error: null, invalidField: null });
  });

  app.post("/trading-pin/code", formOnly, async (request, reply) => {
    return attemptOrShowAgain(request, reply, showAgain(request, reply, 1), async () => {
      const sent = await tradingPinChange.sendCode(sessionOf(request), contextOf(request));
      const view = { maskedEmail: sent.maskedEmail, sentAt: formatJapanTime(sent.sentAt), expiresAt: formatJapanTime(sent.expiresAt) };
      return renderPage(reply, "trading-pin", base(request), { sent: view, step: 2, pinState: "ok", error: null, invalidField: null });
    });
  });

  app.post("/trading-pin", formOnly, async (request, reply) => {
    // The form stays, with a button for a new code (one that expired or was used up needs it).
    return attemptOrShowAgain(request, reply, showAgain(request, reply, 2), async () => {
      const body = parseBody(tradingPinChangeBody, request.body);
      await tradingPinChange.change(sessionOf(request), body, contextOf(request));
      const q = langQuery(detectLang(request));
      return reply.redirect(`/trading-pin?${q === "" ? "" : "lang=en&"}changed=1`, 303);
    });
  });
};
