import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { maskEmail } from "../../src/core/email-address.ts";
import { formatJapanTime, isoJapanTime } from "../../src/core/japan-time.ts";
import { describeDevice } from "../../src/core/device-label.ts";

describe("what the customer is shown", () => {
  it("masks the 重要メール address as t***@example.co.jp", () => {
    assert.equal(maskEmail("taro@example.co.jp"), "t***@example.co.jp");
    assert.equal(maskEmail("a@b.jp"), "a***@b.jp");
    assert.equal(maskEmail("broken"), "***");
  });

  it("shows times in Japan time whatever the server's zone", () => {
    const utcMidnight = Date.UTC(2026, 0, 1, 0, 0, 0);
    assert.equal(formatJapanTime(utcMidnight), "2026/01/01 09:00:00");
    assert.equal(formatJapanTime(Date.UTC(2026, 11, 31, 15, 30, 5)), "2027/01/01 00:30:05");
    assert.equal(isoJapanTime(utcMidnight), "2026-01-01T09:00:00+09:00");
  });

  it("names browser and OS from the User-Agent", () => {
    assert.equal(
      describeDevice("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"),
      "Chrome 120 / Windows 10",
    );
    assert.equal(describeDevice(""), "不明 (unknown)");
  });
});
