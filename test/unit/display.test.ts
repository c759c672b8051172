import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { maskEmail } from "../../src/core/kernel/email-address.ts";
import { formatJapanTime, isoJapanTime } from "../../src/core/kernel/japan-time.ts";
import { describeDevice } from "../../src/core/kernel/device-label.ts";
import { displayIp } from "../../src/core/kernel/request-origin.ts";

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

  it("writes Japan time by hand exactly as Intl's ja-JP Asia/Tokyo format does, over 20,000 instants from 1970 to 2100", () => {
    const intl = new Intl.DateTimeFormat("ja-JP", { timeZone: "Asia/Tokyo", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false });
    const instants = [0, Date.UTC(2026, 11, 31, 15, 0, 0), Date.UTC(2028, 1, 28, 15, 0, 0), Date.UTC(2026, 2, 8, 14, 59, 59), Date.UTC(2099, 11, 31, 14, 59, 59)];
    let seed = 20261208;
    for (let i = 0; i < 20_000; i += 1) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      instants.push(Math.floor((seed / 2147483648) * Date.UTC(2100, 0, 1)));
    }
    for (const instant of instants) {
      assert.equal(formatJapanTime(instant), intl.format(new Date(instant)), new Date(instant).toISOString());
    }
  });

  it("names the same User-Agent the same way every time, however many distinct ones came between", () => {
    const chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";
    assert.equal(describeDevice(chrome), "Chrome 120 / Windows 10");
    for (let i = 0; i < 5000; i += 1) {
      assert.equal(describeDevice(`Unlock now ${i} at https://evil.example/1.0`), "不明 (unknown)");
    }
    assert.equal(describeDevice(chrome), "Chrome 120 / Windows 10");
    assert.equal(describeDevice(" "), "不明 (unknown)");
  });

  it("names browser and OS from the User-Agent", () => {
    assert.equal(
      describeDevice("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"),
      "Chrome 120 / Windows 10",
    );
    assert.equal(describeDevice(""), "不明 (unknown)");
  });

  it("names only browsers and systems the parser knows, never a word copied from the User-Agent", () => {
    assert.equal(describeDevice("Unlock now at https://evil.example or call 0120-999-999/1.0"), "不明 (unknown)");
    assert.equal(describeDevice("Mozilla/5.0 (Android www.evil.jp; call 0120) Chrome/1.2"), "Chrome 1 / Android");
    assert.equal(
      describeDevice("Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1"),
      "Safari 17 / iOS 17.2",
    );
  });

  it("names a User-Agent the same when it comes again, also after a thousand others pushed it out of memory (issue 23)", () => {
    const agents: Array<[string, string]> = [
      ["Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36", "Chrome 120 / Windows 10"],
      ["Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1", "Safari 17 / iOS 17.2"],
      ["Unlock now at https://evil.example or call 0120-999-999/1.0", "不明 (unknown)"],
      ["   ", "不明 (unknown)"],
    ];
    for (let round = 0; round < 3; round += 1) {
      for (const [agent, label] of agents) {
        assert.equal(describeDevice(agent), label, `round ${round}: ${agent}`);
      }
      for (let n = 0; n < 1100; n += 1) {
        assert.equal(describeDevice(`Mozilla/5.0 (X11; Linux x86_64) Firefox/${100 + (n % 30)}.0 build-${round}-${n}`), `Firefox ${100 + (n % 30)} / Linux`);
      }
    }
  });

  it("shows an IP address only when it is one", () => {
    assert.equal(displayIp("203.0.113.10"), "203.0.113.10");
    assert.equal(displayIp("2001:db8::1"), "2001:db8::1");
    assert.equal(displayIp("::ffff:127.0.0.1"), "::ffff:127.0.0.1");
    for (const forged of ["unknown", "www.evil.example", "999.1.1.1", "call 0120-999-999", "", "a@b"]) {
      assert.equal(displayIp(forged), "不明 (unknown)", forged);
    }
  });
});
