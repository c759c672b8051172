import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { normalizePin, tradingPinRefusal } from "../../src/core/trading-pin/trading-pin-rules.ts";

describe("trading PIN rules (issue 13 §4): 4–8 digits after NFKC, no repeated digit, no straight run", () => {
  it("accepts 4 to 8 digits, full-width digits from the IME as ASCII", () => {
    for (const pin of ["2580", "7890", "8901", "13579", "1231", "24681357", "０２４６"]) {
      assert.equal(tradingPinRefusal(pin), null, pin);
    }
    assert.equal(normalizePin("２５８０"), "2580");
  });

  it("refuses what is not 4–8 ASCII digits: too short, too long, letters, spaces, other scripts' digits, signs", () => {
    for (const pin of ["", "123", "123456789", "12a4", " 2580", "25 80", "٢٥٨٠", "+2580", "2580\n", "x".repeat(100)]) {
      assert.equal(tradingPinRefusal(pin), "format", JSON.stringify(pin));
      assert.equal(normalizePin(pin), null);
    }
  });

  it("refuses one digit repeated and straight runs up or down, of any length", () => {
    for (const pin of ["0000", "1111", "99999999", "１１１１"]) {
      assert.equal(tradingPinRefusal(pin), "repeated", pin);
    }
    for (const pin of ["0123", "1234", "3456789", "12345678", "4321", "9876", "876543", "３４５６"]) {
      assert.equal(tradingPinRefusal(pin), "sequence", pin);
    }
  });

  it("refuses the current PIN as the new one, full-width or not", () => {
    assert.equal(tradingPinRefusal("2580", { currentPin: "２５８０" }), "same_as_current");
    assert.equal(tradingPinRefusal("2581", { currentPin: "2580" }), null);
  });
});
