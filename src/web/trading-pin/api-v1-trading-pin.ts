import { isoJapanTime } from "../../core/kernel/japan-time.ts";
import { customerApi, sessionOf } from "../kernel/customer-session.ts";
import type { WebPlugin } from "../kernel/plugin.ts";
import { contextOf } from "../kernel/request-context.ts";
import { parseBody, tradingPinChangeBody } from "../kernel/validation.ts";
import type { TradingPinWebOptions } from "./trading-pin-plugin.ts";

/**
 * The trading PIN (取引暗証番号, issue 13 §4) in the smartphone app, the same core calls as the
 * page /trading-pin: whether one is set and locked, the step-up code, the change. Every route
 * needs a live session ([4010]).
 */
export const tradingPinApi: WebPlugin<TradingPinWebOptions> = async (api, { sessions, tradingPins, tradingPinChange }) => {
  customerApi(api, sessions);

  api.get("/trading-pin", async (request) => {
    const state = await tradingPins.state(sessionOf(request).customer.id);
    return { set: state !== null, locked: state?.lockedAt !== null && state !== null, setAt: state === null ? null : isoJapanTime(state.setAt) };
  });

  api.post("/trading-pin/code", async (request) => {
    const sent = await tradingPinChange.sendCode(sessionOf(request), contextOf(request));
    return { status: "code_sent", maskedEmail: sent.maskedEmail, sentAt: isoJapanTime(sent.sentAt), expiresAt: isoJapanTime(sent.expiresAt) };
  });

  api.put("/trading-pin", async (request) => {
    const body = parseBody(tradingPinChangeBody, request.body);
    await tradingPinChange.change(sessionOf(request), body, contextOf(request));
    return { status: "ok" };
  });
};
