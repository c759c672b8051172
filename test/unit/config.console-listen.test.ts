import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { loadConfig } from "../../src/config.ts";

const PRODUCTION_OK = {
  NODE_ENV: "production",
  SMTP_URL: "smtp://mail.internal:25",
  SERVER_SECRET: "x".repeat(40),
  PUBLIC_URL: "https://login.okb-sec.co.jp",
  // Production needs the confirmations' signing key (issue 13 §6); a fresh one for the test.
  CONFIRMATION_SIGNING_KEY: generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
  // And the OpenID Provider's (issue 20).
  OIDC_SIGNING_KEY: generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
};

describe("where the console listens (CONSOLE_LISTEN, CONSOLE_PUBLIC_URL)", () => {
  it("serves the console under PUBLIC_URL/console by default", () => {
    const { config } = loadConfig({ PUBLIC_URL: "https://login.example.jp" });
    assert.deepEqual(config.console, { listen: null, publicUrl: "https://login.example.jp" });
  });

  it("reads host:port, with http://host:port as the console's origin unless CONSOLE_PUBLIC_URL says otherwise", () => {
    assert.deepEqual(loadConfig({ CONSOLE_LISTEN: "10.0.0.5:3001" }).config.console, { listen: { host: "10.0.0.5", port: 3001 }, publicUrl: "http://10.0.0.5:3001" });
    assert.deepEqual(loadConfig({ CONSOLE_LISTEN: "[::1]:3001" }).config.console, { listen: { host: "::1", port: 3001 }, publicUrl: "http://[::1]:3001" });
    assert.deepEqual(loadConfig({ CONSOLE_LISTEN: "localhost:3001", CONSOLE_PUBLIC_URL: "https://console.okb.internal/" }).config.console, {
      listen: { host: "localhost", port: 3001 },
      publicUrl: "https://console.okb.internal",
    });
  });

  it("names the variable when a value is bad", () => {
    for (const bad of ["3001", "10.0.0.5", "10.0.0.5:70000", "10.0.0.5:port", ":3001", "[not-ipv6]:3001", "::1:3001", "host:3001/x"]) {
      assert.throws(() => loadConfig({ CONSOLE_LISTEN: bad }), /CONSOLE_LISTEN/, bad);
    }
    for (const bad of ["console.okb.internal", "ftp://console.okb.internal", "https://console.okb.internal/console", "https://console.okb.internal/?x=1"]) {
      assert.throws(() => loadConfig({ CONSOLE_LISTEN: "127.0.0.1:3001", CONSOLE_PUBLIC_URL: bad }), /CONSOLE_PUBLIC_URL/, bad);
    }
  });

  it("refuses CONSOLE_PUBLIC_URL without CONSOLE_LISTEN, and the public listener's own address", () => {
    assert.throws(() => loadConfig({ CONSOLE_PUBLIC_URL: "https://console.okb.internal" }), /CONSOLE_PUBLIC_URL: only with CONSOLE_LISTEN/);
    assert.throws(() => loadConfig({ HOST: "127.0.0.1", PORT: "3000", CONSOLE_LISTEN: "127.0.0.1:3000" }), /CONSOLE_LISTEN: must differ/);
    assert.doesNotThrow(() => loadConfig({ HOST: "127.0.0.1", PORT: "3000", CONSOLE_LISTEN: "10.0.0.5:3000" }));
  });

  it("in production, refuses a console listener whose origin is not https", () => {
    assert.throws(() => loadConfig({ ...PRODUCTION_OK, CONSOLE_LISTEN: "10.0.0.5:3001" }), /CONSOLE_PUBLIC_URL: must be https/);
    assert.throws(() => loadConfig({ ...PRODUCTION_OK, CONSOLE_LISTEN: "10.0.0.5:3001", CONSOLE_PUBLIC_URL: "http://console.okb.internal" }), /CONSOLE_PUBLIC_URL: must be https/);
    assert.equal(loadConfig({ ...PRODUCTION_OK, CONSOLE_LISTEN: "10.0.0.5:3001", CONSOLE_PUBLIC_URL: "https://console.okb.internal" }).config.console.publicUrl, "https://console.okb.internal");
  });
});
