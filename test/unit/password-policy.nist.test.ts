import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { passwordRefusal } from "../../src/core/kernel/password-policy.ts";
import { commonPasswordList } from "../../src/adapters/password-list/common-passwords.ts";

const context = { loginId: "taro01", commonPasswords: commonPasswordList() };

describe("new-password rules (NIST SP 800-63B-4 §3.1.1.2)", () => {
  it("accepts 8 to 256 characters of anything, with no composition rules", () => {
    for (const accepted of ["correct horse battery", "ながいパスフレーズです", "abcdefgh-unusual", "a".repeat(7) + "漢", "x".repeat(256)]) {
      assert.equal(passwordRefusal(accepted, context), null, accepted);
    }
  });

  it("names the reason for a refusal", () => {
    assert.equal(passwordRefusal("short7!", context), "too_short");
    assert.equal(passwordRefusal("x".repeat(257), context), "too_long");
    assert.equal(passwordRefusal("password1", context), "common");
    assert.equal(passwordRefusal("Password1", context), "common", "case does not make a common password safe");
    assert.equal(passwordRefusal("qwertyuiop", context), "common");
    assert.equal(passwordRefusal("iloveyou123", context), "common");
    assert.equal(passwordRefusal("TARO01", { ...context, loginId: "taro01" }), "too_short");
    assert.equal(passwordRefusal("taro0123", { ...context, loginId: "taro0123" }), "same_as_login_id");
    assert.equal(passwordRefusal("ＴＡＲＯ０１２３", { ...context, loginId: "taro0123" }), "same_as_login_id", "full-width and case folded like the ID");
    assert.equal(passwordRefusal("my old secret", { ...context, currentPassword: "my old secret" }), "same_as_current");
  });

  it("counts characters, not bytes or UTF-16 units: eight kanji are enough, seven are not", () => {
    assert.equal(passwordRefusal("株式会社山田太郎", context), null);
    assert.equal(passwordRefusal("株式会社山田太", context), "too_short");
    assert.equal(passwordRefusal("😀😀😀😀😀😀😀😀", context), null);
  });
});
