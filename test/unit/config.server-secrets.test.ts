import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { ConfigError, loadConfig } from "../../src/config.ts";

const A = "a".repeat(32) + "-first-secret";
const B = "b".repeat(32) + "-second-secret";
const C = "c".repeat(40);

const PRODUCTION = {
  NODE_ENV: "production",
  SMTP_URL: "smtp://mail.internal:25",
  PUBLIC_URL: "https://login.okb-sec.co.jp",
  CONFIRMATION_SIGNING_KEY: generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
  OIDC_SIGNING_KEY: generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
};

function refusal(env: Record<string, string | undefined>): string {
  try {
    loadConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.message;
  }
  assert.fail("the configuration was accepted");
}

describe("SERVER_SECRETS: the server's keyring (issue 22 §4)", () => {
  it("reads SERVER_SECRET as a keyring of one", () => {
    assert.deepEqual(loadConfig({ SERVER_SECRET: A }).config.serverSecrets, [A]);
  });

  it("reads SERVER_SECRETS=new,old… in order, the first current, spaces around commas ignored", () => {
    const { config, warnings } = loadConfig({ SERVER_SECRETS: `${B}, ${A} ,${C}` });
    assert.deepEqual(config.serverSecrets, [B, A, C]);
    assert.ok(Object.isFrozen(config.serverSecrets));
    assert.ok(!warnings.some((w) => w.includes("SERVER_SECRET")), "no development warning with real secrets");
  });

  it("accepts SERVER_SECRET beside SERVER_SECRETS only when it names the first", () => {
    assert.deepEqual(loadConfig({ SERVER_SECRET: B, SERVER_SECRETS: `${B},${A}` }).config.serverSecrets, [B, A]);
    assert.match(refusal({ SERVER_SECRET: A, SERVER_SECRETS: `${B},${A}` }), /SERVER_SECRET, SERVER_SECRETS: set one of them/);
  });

  it("refuses a short secret, naming its place in the list", () => {
    assert.match(refusal({ SERVER_SECRETS: `${B},short` }), /SERVER_SECRETS: secret 2 must be at least 32 characters/);
    assert.match(refusal({ SERVER_SECRETS: `${B},,${A}` }), /SERVER_SECRETS: secret 2 must be at least 32 characters/);
    assert.match(refusal({ SERVER_SECRET: "short" }), /SERVER_SECRET: must be at least 32 characters/);
  });

  it("refuses a secret listed twice", () => {
    assert.match(refusal({ SERVER_SECRETS: `${B},${A},${B}` }), /SERVER_SECRETS: a secret is listed twice/);
  });

  it("refuses the development default in production, in either form and in any place", () => {
    assert.doesNotThrow(() => loadConfig({ ...PRODUCTION, SERVER_SECRETS: `${B},${A}` }));
    assert.match(refusal({ ...PRODUCTION }), /SERVER_SECRET: set a random secret/);
    assert.match(refusal({ ...PRODUCTION, SERVER_SECRETS: `${B},development-only-secret-do-not-use-in-production` }), /SERVER_SECRETS: set a random secret/);
  });

  it("outside production warns about the development default, as before", () => {
    const { config, warnings } = loadConfig({ SERVER_SECRETS: " " });
    assert.deepEqual(config.serverSecrets, ["development-only-secret-do-not-use-in-production"]);
    assert.ok(warnings.some((w) => w.includes("SERVER_SECRET is the development default")));
  });
});
