import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readableText, readableTextCheck } from "../../src/core/kernel/readable-text.ts";
import type { ReadableTextField } from "../../src/core/kernel/readable-text.ts";
import { InvalidInputError } from "../../src/core/kernel/errors.ts";

// Issue 17 item 14: one rule for every free text a person reads. Each bad text with the
// problem it is refused for; each field checked, so no entry point is left on an old rule.
const FIELDS: ReadableTextField[] = ["customerName", "operatorName", "clientName", "passkeyName", "reason", "confirmationDetail"];

const REFUSED_EVERYWHERE: Array<[string, string, string]> = [
  ["NUL", "田中\u0000一郎", "hidden_character"],
  ["ESC (C0)", "田中\u001B[31m一郎", "hidden_character"],
  ["DEL", "田中\u007F一郎", "hidden_character"],
  ["NEL (C1)", "田中\u0085一郎", "hidden_character"],
  ["U+2028 line separator", "田中\u2028一郎", "hidden_character"],
  ["U+2029 paragraph separator", "田中\u2029一郎", "hidden_character"],
  ["U+202E right-to-left override", "iPhone\u202Egnp.exe", "hidden_character"],
  ["U+202A left-to-right embedding", "田中\u202A一郎", "hidden_character"],
  ["U+2066 left-to-right isolate", "田中\u2066一郎\u2069", "hidden_character"],
  ["U+2068 first strong isolate", "田中\u2068一郎", "hidden_character"],
  ["U+200E left-to-right mark", "田中\u200E一郎", "hidden_character"],
  ["U+061C Arabic letter mark", "田中\u061C一郎", "hidden_character"],
  ["U+200B zero-width space", "田中\u200B一郎", "hidden_character"],
  ["U+200C zero-width non-joiner", "田中\u200C一郎", "hidden_character"],
  ["U+200D zero-width joiner", "田中\u200D一郎", "hidden_character"],
  ["U+2060 word joiner", "田中\u2060一郎", "hidden_character"],
  ["U+FEFF zero-width no-break space (BOM)", "\uFEFF田中一郎", "hidden_character"],
  ["U+00AD soft hyphen", "田中\u00AD一郎", "hidden_character"],
  ["U+034F combining grapheme joiner", "田中\u034F一郎", "hidden_character"],
  ["U+180E Mongolian vowel separator", "田中\u180E一郎", "hidden_character"],
  ["a tag character", "田中\u{E0041}一郎", "hidden_character"],
  ["U+3164 Hangul filler alone (looks blank)", "\u3164", "hidden_character"],
  ["U+3164 Hangul filler in a name", "田中\u3164一郎", "hidden_character"],
  ["U+115F Hangul choseong filler", "\u115F", "hidden_character"],
  ["U+1160 Hangul jungseong filler", "\u1160", "hidden_character"],
  ["U+FFA0 half-width Hangul filler", "\uFFA0", "hidden_character"],
  ["U+2800 braille blank", "\u2800\u2800", "hidden_character"],
  ["a variation selector alone", "\uFE0F", "hidden_character"],
  ["a variation selector after a space", "田中 \uFE0F", "hidden_character"],
  ["two variation selectors in a row", "葛\u{E0100}\u{E0100}", "hidden_character"],
  ["a private-use character (gaiji)", "田\uE000一郎", "hidden_character"],
  ["an unassigned code point", "田中\u0378", "hidden_character"],
  ["combining marks piled up", "Z\u0301\u0302\u0303\u0304\u0305\u0306algo", "hidden_character"],
  ["a lone surrogate", "田中\uD800", "broken_encoding"],
  ["U+FFFD (broken encoding)", "田中\uFFFD", "broken_encoding"],
  ["empty", "", "empty"],
  ["spaces only", "   ", "empty"],
  ["ideographic spaces only", "\u3000\u3000", "empty"],
];

const REFUSED_IN_NAMES: Array<[string, string]> = [
  ["a URL", "https://okb-sec.example/login"],
  ["a host with www.", "www.okb-support.com"],
  ["a bare host", "okb-support.jp"],
  ["a host in full-width letters", "ｏｋｂ－ｓｕｐｐｏｒｔ．ｃｏｍ"],
  ["a host with an ideographic full stop", "okb-support。com"],
  ["an e-mail address", "support@okb-help.co.jp"],
  ["a punycode host", "xn--n8j.xn--q9jyb4c"],
  ["a name with a link after it", "山田 太郎 bit.ly/x"],
];

const ACCEPTED_NAMES: string[] = [
  "山田 太郎",
  "山田　太郎",
  "ヤマダ タロウ",
  "佐々木 ケンジ",
  "セーラー ムーン",
  "ＴＡＮＡＫＡ　ＩＣＨＩＲＯ",
  "ｶﾀｶﾅ ﾀﾛｳ",
  "髙橋 𠮷男",
  "葛\u{E0100}飾 北斎",
  "Zoë O'Brien-Łukasiewicz",
  "J. R. R. Tolkien",
  "Mr.Smith",
  "김민준",
  "仕事用 iPhone",
  "❤\uFE0F 家族用",
];

describe("readable text: one rule for names, passkey names, reasons and confirmation details", () => {
  for (const field of FIELDS) {
    it(`${field}: refuses controls, bidi controls, zero-width, invisible and blank-looking text`, () => {
      const passed: string[] = [];
      for (const [label, text, kind] of REFUSED_EVERYWHERE) {
        const checked = readableTextCheck(field, text);
        if (!("problem" in checked) || checked.problem.kind !== kind) {
          passed.push(`${label}: ${JSON.stringify(checked)}`);
        }
      }
      assert.deepEqual(passed, []);
    });
  }

  for (const field of ["customerName", "operatorName", "clientName", "passkeyName"] as const) {
    it(`${field}: refuses web addresses, hosts and e-mail addresses`, () => {
      const passed = REFUSED_IN_NAMES.filter(([, text]) => {
        const checked = readableTextCheck(field, text);
        return !("problem" in checked) || checked.problem.kind !== "url";
      });
      assert.deepEqual(passed, []);
    });
  }

  it("accepts the names people have: kana and kanji with spaces of either width, ー, 々, full-width and half-width letters, IVS, accents", () => {
    for (const field of ["customerName", "operatorName", "clientName", "passkeyName", "reason", "confirmationDetail"] as const) {
      for (const name of ACCEPTED_NAMES) {
        const checked = readableTextCheck(field, name);
        assert.ok("text" in checked, `${field} ${JSON.stringify(name)}: ${JSON.stringify(checked)}`);
      }
    }
  });

  it("keeps what the customer typed: NFC only (never NFKC), spaces trimmed; a passkey name's runs of spaces made one", () => {
    assert.equal(readableText("customerName", "  ＴＡＮＡＫＡ　一郎 "), "ＴＡＮＡＫＡ　一郎");
    assert.equal(readableText("customerName", "か\u3099ん"), "がん", "a kana and its combining dakuten become one character (NFC)");
    assert.equal(readableText("passkeyName", " 仕事用\u3000\u3000 iPhone "), "仕事用 iPhone");
    assert.equal(readableText("confirmationDetail", " か\u3099 "), " か\u3099 ", "a confirmation's detail stays exactly as the trading site sent it");
  });

  it("keeps line breaks and tabs in a reason, and only there", () => {
    assert.equal(readableText("reason", "ご本人確認済み。\r\n生年月日\t一致"), "ご本人確認済み。\r\n生年月日\t一致");
    assert.ok("problem" in readableTextCheck("customerName", "田中\n一郎"));
    assert.ok("problem" in readableTextCheck("passkeyName", "仕事用\tiPhone"));
    assert.ok("problem" in readableTextCheck("confirmationDetail", "7203\n"));
  });

  it("limits the length per field, in characters (code points), not bytes", () => {
    const limits: Array<[ReadableTextField, number]> = [["customerName", 100], ["operatorName", 100], ["clientName", 100], ["passkeyName", 40], ["reason", 500], ["confirmationDetail", 128]];
    for (const [field, max] of limits) {
      assert.ok("text" in readableTextCheck(field, "𠮷".repeat(max)), `${field}: ${max} characters`);
      const over = readableTextCheck(field, "𠮷".repeat(max + 1));
      assert.ok("problem" in over && over.problem.kind === "too_long", `${field}: ${max + 1} characters`);
    }
  });

  it("throws [4000] from readableText, naming the code point but never quoting the text", () => {
    assert.throws(
      () => readableText("reason", "本人確認済み\u202Eみ済認確人本"),
      (error: unknown) => error instanceof InvalidInputError && error.code === "4000" && /U\+202E/.test(error.message + String((error as { detail?: string }).detail)) && !String((error as { detail?: string }).detail).includes("本人"),
    );
  });
});
