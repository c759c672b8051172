import type { FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { InvalidCodeError } from "../../core/kernel/errors.ts";
import type { AuthError } from "../../core/kernel/errors.ts";
import { TradingPinLockedError, TradingPinNotSetError, TradingPinRejectedError, WrongTradingPinError } from "../../core/trading-pin/trading-pin-errors.ts";
import { formPostOptions } from "../kernel/content-type.ts";
import { customerPages, sessionOf } from "../kernel/customer-session.ts";
import { attemptOrShowAgain, sentCodeView, typedAgain } from "../kernel/form-page.ts";
import type { ShownRefusal } from "../kernel/form-page.ts";
import { detectLang, langQuery } from "../kernel/i18n.ts";
import type { WebPlugin } from "../kernel/plugin.ts";
import { renderPage } from "../kernel/render.ts";
import type { PageBase } from "../kernel/render.ts";
import { contextOf } from "../kernel/request-context.ts";
import { queryWord } from "../kernel/route-parameters.ts";
import { parseBody, requireTypedTwice, tradingPinChangeForm, typedTwiceDifferently } from "../kernel/validation.ts";
import type { TradingPinWebOptions } from "./trading-pin-plugin.ts";

type PinState = "ok" | "locked" | "not_set";

/** The fields of step 2, in the page's order. */
const CHANGE_FIELDS = ["currentPin", "newPin", "newPinConfirm", "code"] as const;

/** The fields an error of step 2 empties, the first focused: the current PIN, both entries of the new one, or the code. */
function wrongFieldsOf(error: AuthError): string[] {
  if (error.code === WrongTradingPinError.code) {
    return ["currentPin"];
  }
  if (error.code === TradingPinRejectedError.code || typedTwiceDifferently(error)) {
    return ["newPin", "newPinConfirm"];
  }
  return error.code === InvalidCodeError.code ? ["code"] : [];
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
  // Step 2 refused (issue 21 item 4): what was typed stays but the wrong fields, and so does where and until when the code went.
  const showAgain =
    (request: FastifyRequest, reply: FastifyReply, step: 1 | 2) =>
    async ({ shown, status, error }: ShownRefusal): Promise<FastifyReply> => {
      const pinState = stateAfter(shown.code) ?? "ok";
      const latest = step === 2 ? await tradingPinChange.latestCode(sessionOf(request)) : null;
      const again = typedAgain(request, step === 2 ? CHANGE_FIELDS : [], wrongFieldsOf(error));
      return renderPage(reply, "trading-pin", base(request), { sent: latest === null ? null : sentCodeView(latest), step, pinState, error: shown, ...again }, status);
    };

  app.get("/trading-pin", { schema: { querystring: tradingPinQuery } }, async (request, reply) => {
    if (request.query.changed === "1") {
      return renderPage(reply, "trading-pin-changed", base(request), {});
    }
    const state = await tradingPins.state(sessionOf(request).customer.id);
    const pinState: PinState = state === null ? "not_set" : state.lockedAt === null ? "ok" : "locked";
    return renderPage(reply, "trading-pin", base(request), { sent: null, step: 1, pinState, error: null });
  });

  app.post("/trading-pin/code", formOnly, async (request, reply) => {
    return attemptOrShowAgain(request, reply, showAgain(request, reply, 1), async () => {
      const sent = await tradingPinChange.sendCode(sessionOf(request), contextOf(request));
      return renderPage(reply, "trading-pin", base(request), { sent: sentCodeView(sent), step: 2, pinState: "ok", error: null });
    });
  });

  app.post("/trading-pin", formOnly, async (request, reply) => {
    // The form stays, with a button for a new code (one that expired or was used up needs it).
    return attemptOrShowAgain(request, reply, showAgain(request, reply, 2), async () => {
      const { newPinConfirm, ...body } = parseBody(tradingPinChangeForm, request.body);
      requireTypedTwice(body.newPin, newPinConfirm, "pin");
      await tradingPinChange.change(sessionOf(request), body, contextOf(request));
      const q = langQuery(detectLang(request));
      return reply.redirect(`/trading-pin?${q === "" ? "" : "lang=en&"}changed=1`, 303);
    });
  });
};
