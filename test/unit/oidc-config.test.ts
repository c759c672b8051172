import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { loadConfig } from "../../src/config.ts";

const pem = (curve: string): string => generateKeyPairSync("ec", { namedCurve: curve }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
const P256 = pem("P-256");
const PRODUCTION = {
  NODE_ENV: "production",
  SMTP_URL: "smtp://mail.internal:25",
  SERVER_SECRET: "x".repeat(40),
  PUBLIC_URL: "https://login.okb-sec.co.jp",
  CONFIRMATION_SIGNING_KEY: P256,
};

// Issue 20 item 1 and DESIGN §7: issuer PUBLIC_URL or OIDC_ISSUER; ES256 keys shared by every instance in
// production, rotatable (the previous ones still published).
describe("OpenID Provider settings (OIDC_ISSUER, OIDC_SIGNING_KEY, OIDC_PREVIOUS_SIGNING_KEYS)", () => {
  it("the issuer is PUBLIC_URL unless OIDC_ISSUER says otherwise; the API's resource is PUBLIC_URL/api", () => {
    const { config } = loadConfig({ PUBLIC_URL: "http://localhost:4000/" });
    assert.equal(config.oidc.issuer, "http://localhost:4000");
    assert.equal(config.oidc.apiResource, "http://localhost:4000/api");
    assert.equal(loadConfig({ OIDC_ISSUER: "https://id.okb-sec.co.jp/" }).config.oidc.issuer, "https://id.okb-sec.co.jp");
    assert.throws(() => loadConfig({ OIDC_ISSUER: "ftp://id" }), /OIDC_ISSUER/);
  });

  it("production needs OIDC_SIGNING_KEY and an https issuer; development keeps a generated key beside the SQLite database", () => {
    assert.throws(() => loadConfig(PRODUCTION), /OIDC_SIGNING_KEY: required in production/);
    assert.deepEqual(loadConfig({ ...PRODUCTION, OIDC_SIGNING_KEY: P256 }).config.oidc.signingKey, { pem: P256 });
    assert.throws(() => loadConfig({ ...PRODUCTION, OIDC_SIGNING_KEY: P256, OIDC_ISSUER: "http://id.okb-sec.co.jp" }), /OIDC_ISSUER: must be https/);
    assert.deepEqual(loadConfig({ DATABASE_URL: "sqlite:/tmp/x/db.sqlite" }).config.oidc.signingKey, { file: "/tmp/x/oidc-signing-key.pem" });
    assert.deepEqual(loadConfig({ OIDC_KEY_FILE: "/secrets/oidc.pem" }).config.oidc.signingKey, { file: "/secrets/oidc.pem" });
  });

  it("refuses a key that is not EC P-256, naming the variable; reads previous keys as PEM blocks", () => {
    assert.throws(() => loadConfig({ OIDC_SIGNING_KEY: pem("P-384") }), /OIDC_SIGNING_KEY: must be an EC P-256/);
    assert.throws(() => loadConfig({ OIDC_SIGNING_KEY: "not a key" }), /OIDC_SIGNING_KEY: must be a PEM private key/);
    const old1 = pem("P-256");
    const old2 = pem("P-256");
    assert.equal(loadConfig({ OIDC_PREVIOUS_SIGNING_KEYS: `${old1}\n${old2}`.replaceAll("\n", "\\n") }).config.oidc.previousSigningKeys.length, 2);
    assert.throws(() => loadConfig({ OIDC_PREVIOUS_SIGNING_KEYS: `${old1}${pem("P-384")}` }), /OIDC_PREVIOUS_SIGNING_KEYS: key 2/);
  });
});
