import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { createPrivateKey } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadOrCreateSigningKey } from "../../src/adapters/crypto/confirmation-key-file.ts";

describe("the development signing key file (no CONFIRMATION_SIGNING_KEY outside production)", () => {
  it("is created on the first start as an EC P-256 key, mode 0600 in a 0700 folder, and the same key is read at the next start", (context) => {
    const dir = mkdtempSync(join(tmpdir(), "okb-key-"));
    context.after(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, "data", "confirmation-signing-key.pem");
    const first = loadOrCreateSigningKey(path);
    assert.equal(first.created, true);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.equal(statSync(join(dir, "data")).mode & 0o777, 0o700);
    assert.equal(createPrivateKey(first.pem).asymmetricKeyDetails?.namedCurve, "prime256v1");
    const second = loadOrCreateSigningKey(path);
    assert.deepEqual(second, { pem: first.pem, created: false, warning: null });
  });

  it("warns when the file is readable by others", (context) => {
    const dir = mkdtempSync(join(tmpdir(), "okb-key-"));
    context.after(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, "key.pem");
    loadOrCreateSigningKey(path);
    chmodSync(path, 0o644);
    assert.match(loadOrCreateSigningKey(path).warning ?? "", /readable by others \(mode 644\); chmod 600/);
  });
});
