import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createBodySealer, createKeyringSealer } from "../../src/adapters/crypto/body-sealer.ts";
import { deriveKey } from "../../src/adapters/crypto/derive-key.ts";
import { deriveKeyring, secretKeyId } from "../../src/adapters/crypto/keyring.ts";

const OLD = "o".repeat(40);
const NEW = "n".repeat(40);

describe("the keyring's sealer (issue 22 §4)", () => {
  it("gives each secret a stable 8-hex key ID, the same for every purpose", () => {
    assert.match(secretKeyId(OLD), /^[0-9a-f]{8}$/);
    assert.equal(secretKeyId(OLD), secretKeyId(OLD));
    assert.notEqual(secretKeyId(OLD), secretKeyId(NEW));
    const [outbox] = deriveKeyring([OLD], "outbox-seal");
    const [totp] = deriveKeyring([OLD], "operator-totp");
    assert.equal(outbox?.id, totp?.id);
    assert.notDeepEqual(outbox?.key, totp?.key, "the keys themselves differ per purpose");
  });

  it("seals with the first key, its ID in front, and opens what an older key sealed", () => {
    const before = createKeyringSealer(deriveKeyring([OLD], "outbox-seal")).seal("認証コード 123456");
    assert.ok(before.startsWith(`aesgcm2:${secretKeyId(OLD)}:`));
    assert.ok(!before.includes("123456"));
    const rotated = createKeyringSealer(deriveKeyring([NEW, OLD], "outbox-seal"));
    assert.equal(rotated.open(before), "認証コード 123456");
    const after = rotated.seal("認証コード 654321");
    assert.ok(after.startsWith(`aesgcm2:${secretKeyId(NEW)}:`));
    assert.equal(createKeyringSealer(deriveKeyring([NEW], "outbox-seal")).open(after), "認証コード 654321");
    assert.equal(rotated.sealedWithCurrentKey(after), true);
    assert.equal(rotated.sealedWithCurrentKey(before), false, "worth sealing again (operators' TOTP secrets)");
  });

  it("refuses a body whose key has left the keyring, or that was tampered with", () => {
    const before = createKeyringSealer(deriveKeyring([OLD], "outbox-seal")).seal("secret body");
    const newOnly = createKeyringSealer(deriveKeyring([NEW], "outbox-seal"));
    assert.throws(() => newOnly.open(before), /no longer in SERVER_SECRETS/);
    const both = createKeyringSealer(deriveKeyring([NEW, OLD], "outbox-seal"));
    const flipped = before.slice(0, -4) + (before.slice(-4) === "AAAA" ? "BBBB" : "AAAA");
    assert.throws(() => both.open(flipped));
    assert.throws(() => both.open(`aesgcm2:${secretKeyId(OLD)}`), /no longer in SERVER_SECRETS/, "no ID separator: no key");
  });

  it("opens bodies sealed before keyrings (aesgcm1:, no ID) with whichever key made them", () => {
    const legacy = createBodySealer(deriveKey(OLD, "outbox-seal")).seal("queued before the upgrade");
    assert.equal(createKeyringSealer(deriveKeyring([NEW, OLD], "outbox-seal")).open(legacy), "queued before the upgrade");
    assert.throws(() => createKeyringSealer(deriveKeyring([NEW], "outbox-seal")).open(legacy));
  });
});
