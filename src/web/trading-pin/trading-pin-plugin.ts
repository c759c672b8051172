import type { Brand } from "../../core/kernel/brand.ts";
import type { TradingPins } from "../../core/trading-pin/trading-pin.ts";
import type { TradingPinChange } from "../../core/trading-pin/trading-pin-change.ts";
import type { SessionCheck } from "../kernel/customer-session.ts";
import type { WebPlugin } from "../kernel/plugin.ts";
import { tradingPinPages } from "./trading-pin-pages.ts";
import { tradingPinApi } from "./api-v1-trading-pin.ts";
import type { TRADING_PIN_TEXT } from "./i18n-trading-pin.ts";

/** What 取引暗証番号 needs (issue 13 §4). */
export interface TradingPinWebOptions {
  brand: Brand;
  sessions: SessionCheck;
  /** Whether a PIN is set, and locked. */
  tradingPins: Pick<TradingPins, "state">;
  /** The customer changes the trading PIN: current PIN + a fresh emailed code. */
  tradingPinChange: Pick<TradingPinChange, "sendCode" | "change" | "latestCode">;
}

/** The trading PIN: its page /trading-pin and the same as JSON for the smartphone app. */
export const tradingPinPlugin: WebPlugin<TradingPinWebOptions> = async (app, options) => {
  await app.register(tradingPinPages, options);
  await app.register(tradingPinApi, { ...options, prefix: "/api/v1" });
};

// Its texts (i18n-trading-pin.ts) join the UI text, so `t` and TextKey know their keys.
declare module "../kernel/i18n.ts" {
  interface UiTexts extends Record<keyof (typeof TRADING_PIN_TEXT)["ja"], string> {}
}
