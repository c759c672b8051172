import type { FastifyInstance } from "fastify";
import type { WebDeps } from "../app.ts";
import { isoJapanTime } from "../../core/kernel/japan-time.ts";
import { apiSession } from "../kernel/api-session.ts";
import { requireBodyType } from "../kernel/content-type.ts";
import { contextOf } from "../kernel/request-context.ts";
import { parseBody, tradingPinChangeBody } from "../kernel/validation.ts";

/**
 * The trading PIN (取引暗証番号, issue 13 §4) in the smartphone app, the same core calls as the
 * page /trading-pin: whether one is set and locked, the step-up code, the change. Every route
 * needs a live session ([4010]).
 */
export function registerApiV1TradingPin(app: FastifyInstance, deps: WebDeps): void {
  const { sessions, tradingPins, tradingPinChange } = deps;
  const loggedIn = apiSession(sessions);

  app.register(
    async (api) => {
      api.addHook("preHandler", requireBodyType("application/json"));

      api.get("/trading-pin", async (request) => {
        const current = await loggedIn(request);
        const state = await tradingPins.state(current.customer.id);
        return { set: state !== null, locked: state?.lockedAt !== null && state !== null, setAt: state === null ? null : isoJapanTime(state.setAt) };
      });

      api.post("/trading-pin/code", async (request) => {
        const current = await loggedIn(request);
        const sent = await tradingPinChange.sendCode(current, contextOf(request));
        return { status: "code_sent", maskedEmail: sent.maskedEmail, sentAt: isoJapanTime(sent.sentAt), expiresAt: isoJapanTime(sent.expiresAt) };
      });

      api.put("/trading-pin", async (request) => {
        const current = await loggedIn(request);
        const body = parseBody(tradingPinChangeBody, request.body);
        await tradingPinChange.change(current, body, contextOf(request));
        return { status: "ok" };
      });
    },
    { prefix: "/api/v1" },
  );
}
