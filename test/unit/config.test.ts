import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { ConfigError, loadConfig } from "../../src/config.ts";

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

describe("configuration is read once and checked", () => {
  it("starts on embedded defaults with the seed's brand and a 10-minute code", () => {
    const { config, warnings } = loadConfig({});
    assert.equal(config.databaseUrl, "sqlite:./data/okb-login.sqlite");
    assert.equal(config.smtpUrl, null);
    assert.equal(config.codeTtlSeconds, 600);
    assert.equal(config.mailFrom, "OKB証券 <no-reply@okb-sec.co.jp>");
    assert.equal(config.brand.callCenterPhone, "0120-483744");
    assert.equal(config.demoCustomer, true);
    assert.ok(warnings.some((w) => w.includes("SERVER_SECRET")), "warns about the development secret");
    assert.ok(Object.isFrozen(config) && Object.isFrozen(config.brand));
  });

  it("names the variable when a value is bad", () => {
    assert.throws(() => loadConfig({ PORT: "eighty" }), (error: Error) => error instanceof ConfigError && error.message.includes("PORT"));
    assert.throws(() => loadConfig({ OTP_TTL_SECONDS: "5" }), /OTP_TTL_SECONDS/);
    assert.throws(() => loadConfig({ DATABASE_URL: "mysql://x" }), /DATABASE_URL/);
    assert.throws(() => loadConfig({ ARGON2_MEMORY_KIB: "1024" }), /ARGON2_MEMORY_KIB/);
  });

  it("refuses a production start without SMTP_URL, with the default secret, or on http", () => {
    assert.doesNotThrow(() => loadConfig(PRODUCTION_OK));
    assert.throws(() => loadConfig({ ...PRODUCTION_OK, SMTP_URL: undefined }), /SMTP_URL/);
    assert.throws(() => loadConfig({ ...PRODUCTION_OK, SERVER_SECRET: undefined }), /SERVER_SECRET/);
    assert.throws(() => loadConfig({ ...PRODUCTION_OK, PUBLIC_URL: "http://login.okb-sec.co.jp" }), /PUBLIC_URL/);
    assert.equal(loadConfig(PRODUCTION_OK).config.demoCustomer, false, "never a demo customer in production");
  });
});

describe("hash concurrency fits the libuv thread pool", () => {
  it("runs at most one hash per core and leaves a pool thread free", () => {
    assert.equal(loadConfig({ UV_THREADPOOL_SIZE: "2" }).config.hashGate.maxInFlight, 1);
    const wide = loadConfig({ UV_THREADPOOL_SIZE: "64" }).config.hashGate.maxInFlight;
    assert.ok(wide >= 1 && wide < 64);
    assert.ok(loadConfig({ HASH_MAX_IN_FLIGHT: "4", UV_THREADPOOL_SIZE: "4" }).warnings.some((w) => w.includes("HASH_MAX_IN_FLIGHT")));
  });

  it("reads rate limits as MAX/WINDOW_SECONDS and names a bad one", () => {
    assert.deepEqual(loadConfig({ RATE_LIMIT_CODE_MAILS_PER_CUSTOMER: "3/600" }).config.rateLimits.codeMailsPerCustomer, { max: 3, windowSeconds: 600 });
    assert.deepEqual(loadConfig({}).config.rateLimits.codeMailsPerCustomer, { max: 5, windowSeconds: 900 });
    assert.throws(() => loadConfig({ RATE_LIMIT_PASSWORD_PER_IP: "lots" }), /RATE_LIMIT_PASSWORD_PER_IP/);
  });
});
