import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { generateTotpSecret, totpCode, totpStep, totpUri, verifyTotp } from "../../src/core/console/operators/totp.ts";
import type { Random } from "../../src/core/kernel/ports.ts";

// RFC 6238 Appendix B, SHA-1: the secret is the ASCII "12345678901234567890", base32 below.
const RFC_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
const RFC_VECTORS: Array<[number, string]> = [
  [59, "94287082"],
  [1111111109, "07081804"],
  [1111111111, "14050471"],
  [1234567890, "89005924"],
  [2000000000, "69279037"],
  [20000000000, "65353130"],
];

describe("TOTP (RFC 6238)", () => {
  it("matches RFC 6238 Appendix B (SHA-1) with 8 digits, and its last 6 digits with 6", () => {
    for (const [seconds, code] of RFC_VECTORS) {
      assert.equal(totpCode(RFC_SECRET, seconds * 1000, { digits: 8 }), code, `T=${seconds}`);
      assert.equal(totpCode(RFC_SECRET, seconds * 1000), code.slice(2), `T=${seconds} (6 digits)`);
    }
  });

  it("verifies each vector's 6-digit code at its time and answers its step", () => {
    for (const [seconds, code] of RFC_VECTORS) {
      assert.equal(verifyTotp(RFC_SECRET, code.slice(2), seconds * 1000), Math.floor(seconds / 30), `T=${seconds}`);
    }
  });

  it("accepts one step of clock drift either side and refuses two", () => {
    const now = 1234567890 * 1000;
    const step = totpStep(now);
    const codeAt = (offsetSteps: number): string => totpCode(RFC_SECRET, (step + offsetSteps) * 30_000 + 1_000);
    assert.equal(verifyTotp(RFC_SECRET, codeAt(-1), now), step - 1);
    assert.equal(verifyTotp(RFC_SECRET, codeAt(1), now), step + 1);
    assert.equal(verifyTotp(RFC_SECRET, codeAt(-2), now), null);
    assert.equal(verifyTotp(RFC_SECRET, codeAt(2), now), null);
  });

  it("refuses a wrong code and input that is not 6 digits, and takes the spaces apps show", () => {
    const now = 59_000;
    assert.equal(verifyTotp(RFC_SECRET, "287083", now), null);
    assert.equal(verifyTotp(RFC_SECRET, "94287082", now), null);
    assert.equal(verifyTotp(RFC_SECRET, "28708", now), null);
    assert.equal(verifyTotp(RFC_SECRET, "", now), null);
    assert.equal(verifyTotp(RFC_SECRET, "287 082", now), 1);
    assert.equal(verifyTotp(RFC_SECRET, "２８７０８２", now), 1, "full-width digits from an IME");
  });

  it("makes a 160-bit base32 secret from the injected randomness", () => {
    const random: Random = { int: () => 0, id: () => "x", token: (bytes) => Buffer.alloc(bytes, 0xff).toString("base64url") };
    const secret = generateTotpSecret(random);
    assert.match(secret, /^[A-Z2-7]{32}$/);
    assert.equal(secret, "7".repeat(32));
  });

  it("writes the otpauth:// URI with issuer, algorithm, digits and period", () => {
    assert.equal(
      totpUri(RFC_SECRET, { issuer: "OKB証券 Console", account: "suzuki" }),
      `otpauth://totp/OKB%E8%A8%BC%E5%88%B8%20Console:suzuki?secret=${RFC_SECRET}&issuer=OKB%E8%A8%BC%E5%88%B8%20Console&algorithm=SHA1&digits=6&period=30`,
    );
  });
});
