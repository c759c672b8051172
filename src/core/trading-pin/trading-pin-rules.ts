import type { TRADING_PIN_REASONS } from "../kernel/error-reasons.ts";

/**
 * The trading PIN's rules (取引暗証番号, issue 13 §4): 4–8 ASCII digits after NFKC, so the
 * full-width digits a Japanese IME types (１２３４) are digits; refused when it is one digit
 * repeated (1111) or a straight run up or down (1234, 0123, 4321, 9876): the PINs guessed first.
 * A run does not wrap around (7890 and 8901 are allowed; docs/decisions.md).
 */

/** Why a new trading PIN is refused; the API answers it as `error.reason` of [5144]. */
export type TradingPinRefusal = (typeof TRADING_PIN_REASONS)[number];

const PIN_PATTERN = /^[0-9]{4,8}$/;

/** Longer input is not a PIN with a typo but garbage: refused before any normalisation or hashing. */
export const MAX_PIN_INPUT_LENGTH = 64;

/** The PIN as stored and compared: NFKC, 4–8 ASCII digits; null when it is not that. */
export function normalizePin(raw: string): string | null {
  if (raw.length > MAX_PIN_INPUT_LENGTH) {
    return null;
  }
  const pin = raw.normalize("NFKC");
  return PIN_PATTERN.test(pin) ? pin : null;
}

/** Why a new PIN is refused, or null when it may be used. `currentPin` (already checked) refuses the same PIN again. */
export function tradingPinRefusal(raw: string, options?: { currentPin?: string }): TradingPinRefusal | null {
  const pin = normalizePin(raw);
  if (pin === null) {
    return "format";
  }
  const steps = new Set<number>();
  for (let index = 1; index < pin.length; index += 1) {
    steps.add(pin.charCodeAt(index) - pin.charCodeAt(index - 1));
  }
  if (steps.size === 1 && steps.has(0)) {
    return "repeated";
  }
  if (steps.size === 1 && (steps.has(1) || steps.has(-1))) {
    return "sequence";
  }
  if (options?.currentPin !== undefined && normalizePin(options.currentPin) === pin) {
    return "same_as_current";
  }
  return null;
}
