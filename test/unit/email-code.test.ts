import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { codeHmac, codeMatches, generateCode, normalizeCodeInput } from "../../src/core/kernel/email-code.ts";
import { nodeRandom } from "../../src/adapters/crypto/node-random.ts";

const KEY = [{ id: "0000000a", key: Buffer.alloc(32, 7) }];
const OTHER_KEY = { id: "0000000b", key: Buffer.alloc(32, 8) };

describe("code input normalisation (seed Q4)", () => {
  const accepted: Array<[string, string]> = [
    ["123456", "123456"],
    ["１２３４５６", "123456"],
    ["１２３ ４５６", "123456"],
    ["123\u3000456", "123456"],
    ["12-34-56", "123456"],
    ["12－34ー56", "123456"],
    ["\t123456\r\n", "123456"],
    ["1 2 3 4 5 6", "123456"],
    ["000123", "000123"],
  ];
  for (const [raw, expected] of accepted) {
    it(`reads ${JSON.stringify(raw)} as ${expected}`, () => {
      assert.equal(normalizeCodeInput(raw), expected);
    });
  }
  for (const raw of ["12345", "1234567", "12345a", "", "一二三四五六", "１２３４５６７", "12345\u0000", "9".repeat(65)]) {
    it(`rejects ${JSON.stringify(raw.slice(0, 20))}`, () => {
      assert.equal(normalizeCodeInput(raw), null);
    });
  }
});

describe("code generation and storage", () => {
  it("makes 6-digit codes with leading zeros kept", () => {
    assert.equal(generateCode({ ...nodeRandom, int: () => 42 }), "000042");
    for (let i = 0; i < 200; i += 1) {
      assert.match(generateCode(nodeRandom), /^\d{6}$/);
    }
  });

  it("binds the HMAC to the challenge: the same code hashes differently in two challenges", () => {
    assert.notEqual(codeHmac(KEY, "challenge-a", "123456"), codeHmac(KEY, "challenge-b", "123456"));
    assert.match(codeHmac(KEY, "challenge-a", "123456"), /^0000000a:[0-9a-f]{64}$/);
  });

  it("matches only the right code, challenge and key", () => {
    const stored = codeHmac(KEY, "c1", "123456");
    assert.equal(codeMatches(KEY, "c1", "123456", stored), true);
    assert.equal(codeMatches(KEY, "c1", "123457", stored), false);
    assert.equal(codeMatches(KEY, "c2", "123456", stored), false);
    assert.equal(codeMatches([OTHER_KEY], "c1", "123456", stored), false);
    assert.equal(codeMatches([{ ...OTHER_KEY, id: "0000000a" }], "c1", "123456", stored), false, "the ID picks the key, the key must still be right");
    assert.equal(codeMatches(KEY, "c1", "123456", "abcd"), false, "a truncated hash never matches");
    assert.equal(codeMatches(KEY, "c1", "123456", "0000000a:abcd"), false, "a truncated hash never matches");
  });

  it("after a rotation makes new HMACs with the first key and still checks the older key's (issue 22 §4)", () => {
    const before = codeHmac(KEY, "c1", "123456");
    const rotated = [OTHER_KEY, ...KEY];
    assert.match(codeHmac(rotated, "c2", "654321"), /^0000000b:/);
    assert.equal(codeMatches(rotated, "c1", "123456", before), true, "a code sent before the rotation still verifies");
    assert.equal(codeMatches(rotated, "c1", "123457", before), false);
    assert.equal(codeMatches([OTHER_KEY], "c1", "123456", before), false, "once its key has left the keyring, it matches nothing");
  });

  it("checks an HMAC stored before keyrings (bare hex) against each key", () => {
    const bare = codeHmac(KEY, "c1", "123456").split(":")[1] ?? "";
    assert.equal(codeMatches([OTHER_KEY, ...KEY], "c1", "123456", bare), true);
    assert.equal(codeMatches([OTHER_KEY, ...KEY], "c1", "000000", bare), false);
    assert.equal(codeMatches([OTHER_KEY], "c1", "123456", bare), false);
  });
});

describe("codeHmac known-answer vector", () => {
  it("is HMAC-SHA256(key, challengeId ‖ NUL ‖ code), hex (computed independently with openssl dgst -mac HMAC)", () => {
    const key = [{ id: "1a2b3c4d", key: Buffer.from("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", "hex") }];
    assert.equal(codeHmac(key, "challenge-0001", "123456"), "1a2b3c4d:0c3fe05e8b6de1887548624c222848e28ddd822c38d2f1c2a5cd30f04fe74eeb");
  });
});
