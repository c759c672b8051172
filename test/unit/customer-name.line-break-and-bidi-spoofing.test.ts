import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { registrationProblems } from "../../src/core/customers/customer-registration.ts";
import type { CustomerRegistrationInput } from "../../src/core/customers/customer-registration.ts";

/**
 * The name heads every mail ("お客さま NAME 様"). A line break would let a name
 * write lines of its own into the mail; a bidi control reorders what is shown
 * (Trojan Source, CVE-2021-42574).
 */
const REFUSED_IN_NAMES: Record<string, string> = {
  "U+0085 NEXT LINE": "\u0085",
  "U+0080 (C1 control)": "\u0080",
  "U+009F (C1 control)": "\u009F",
  "U+2028 LINE SEPARATOR": "\u2028",
  "U+2029 PARAGRAPH SEPARATOR": "\u2029",
  "U+061C ARABIC LETTER MARK": "\u061C",
  "U+200E LEFT-TO-RIGHT MARK": "\u200E",
  "U+200F RIGHT-TO-LEFT MARK": "\u200F",
  "U+202A LEFT-TO-RIGHT EMBEDDING": "\u202A",
  "U+202B RIGHT-TO-LEFT EMBEDDING": "\u202B",
  "U+202C POP DIRECTIONAL FORMATTING": "\u202C",
  "U+202D LEFT-TO-RIGHT OVERRIDE": "\u202D",
  "U+202E RIGHT-TO-LEFT OVERRIDE": "\u202E",
  "U+2066 LEFT-TO-RIGHT ISOLATE": "\u2066",
  "U+2067 RIGHT-TO-LEFT ISOLATE": "\u2067",
  "U+2068 FIRST STRONG ISOLATE": "\u2068",
  "U+2069 POP DIRECTIONAL ISOLATE": "\u2069",
  // Already refused before the review; kept here so the list is the whole rule.
  "U+000A LINE FEED": "\n",
  "U+000D CARRIAGE RETURN": "\r",
  "U+007F DELETE": "\u007F",
};

function withName(name: string): CustomerRegistrationInput {
  return { loginId: "tanaka01", email: "tanaka@example.co.jp", name, password: "correct horse 7" };
}

describe("customer names cannot break or reorder the mail greeting", () => {
  for (const [label, character] of Object.entries(REFUSED_IN_NAMES)) {
    it(`refuses ${label} inside a name`, () => {
      const problems = registrationProblems(withName(`田中${character}一郎`));
      assert.equal(problems.length, 1, `expected one problem, got ${JSON.stringify(problems)}`);
      assert.match(problems[0] ?? "", /^name must be/);
    });
  }

  it("still accepts the names customers have: kanji, kana, Latin, accents, full-width and ideographic spaces", () => {
    for (const name of ["田中 一郎", "タナカ　イチロウ", "Zoë O'Brien-Łukasiewicz", "ＴＡＮＡＫＡ", "髙橋 𠮷男"]) {
      assert.deepEqual(registrationProblems(withName(name)), [], name);
    }
  });
});
