import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { birthDateProblem, normalizeBirthDate } from "../../src/core/kernel/birth-date.ts";

// 2026-11-25 00:30 in Tokyo is still 2026-11-24 in UTC: "today" must be Japan's date.
const NOW = Date.UTC(2026, 10, 24, 15, 30, 0);

describe("birth date: a real calendar date, from 1900-01-01 to today in Japan", () => {
  for (const good of ["1900-01-01", "1980-02-29", "2000-02-29", "2026-11-25", "1999-12-31"]) {
    it(`accepts ${good}`, () => {
      assert.equal(birthDateProblem(good, NOW), null);
    });
  }

  const BAD: Record<string, string> = {
    "a day that does not exist (30 February)": "1980-02-30",
    "29 February in a year that is not a leap year (1900)": "1900-02-29",
    "month 13": "1980-13-01",
    "day 0": "1980-01-00",
    "before 1900": "1899-12-31",
    "tomorrow in Japan (today in UTC)": "2026-11-26",
    "next year": "2027-01-01",
    "slashes": "1980/01/01",
    "no leading zeros": "1980-1-1",
    "a time as well": "1980-01-01T00:00:00",
    "empty": "",
    "a Japanese era year": "昭和55年1月1日",
  };
  for (const [label, value] of Object.entries(BAD)) {
    it(`refuses ${label}`, () => {
      const problem = birthDateProblem(value, NOW);
      assert.ok(problem !== null, value);
      assert.match(problem, /birth date/);
    });
  }

  it("normalises what an IME types (full-width digits and hyphen, surrounding spaces) before checking", () => {
    assert.equal(normalizeBirthDate(" １９８０－０１－３１　"), "1980-01-31");
    assert.equal(birthDateProblem("１９８０－０１－３１", NOW), null);
  });
});
