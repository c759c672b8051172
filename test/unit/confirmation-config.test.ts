import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { loadConfig } from "../../src/config.ts";
import { requiredMethods } from "../../src/core/confirmations/confirmation-policy.ts";

const P256 = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
const PRODUCTION = { NODE_ENV: "production", SMTP_URL: "smtp://mail.internal:25", SERVER_SECRET: "x".repeat(40), PUBLIC_URL: "https://login.okb-sec.co.jp", OIDC_SIGNING_KEY: P256 };

describe("confirmation settings (CONFIRMATION_*, PASSKEY_REQUIRED_FOR_WITHDRAWALS_FROM)", () => {
  it("production needs CONFIRMATION_SIGNING_KEY; development keeps a generated key beside the SQLite database", () => {
    assert.throws(() => loadConfig(PRODUCTION), /CONFIRMATION_SIGNING_KEY: required in production/);
    assert.deepEqual(loadConfig({ ...PRODUCTION, CONFIRMATION_SIGNING_KEY: P256 }).config.confirmations.signingKey, { pem: P256 });
    assert.deepEqual(loadConfig({}).config.confirmations.signingKey, { file: "data/confirmation-signing-key.pem" });
    assert.deepEqual(loadConfig({ DATABASE_URL: "sqlite:/tmp/x/db.sqlite" }).config.confirmations.signingKey, { file: "/tmp/x/confirmation-signing-key.pem" });
    assert.deepEqual(loadConfig({ DATABASE_URL: "postgres://db/okb" }).config.confirmations.signingKey, { file: "./data/confirmation-signing-key.pem" });
    assert.deepEqual(loadConfig({ CONFIRMATION_KEY_FILE: "/secrets/k.pem" }).config.confirmations.signingKey, { file: "/secrets/k.pem" });
  });

  it("refuses a signing key that is not an EC P-256 private key, naming the variable; accepts SEC1 and `\\n` escapes", () => {
    const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    const p384 = generateKeyPairSync("ec", { namedCurve: "P-384" }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    assert.throws(() => loadConfig({ CONFIRMATION_SIGNING_KEY: rsa }), /CONFIRMATION_SIGNING_KEY: must be an EC P-256/);
    assert.throws(() => loadConfig({ CONFIRMATION_SIGNING_KEY: p384 }), /CONFIRMATION_SIGNING_KEY: must be an EC P-256/);
    assert.throws(() => loadConfig({ CONFIRMATION_SIGNING_KEY: "not a key" }), /CONFIRMATION_SIGNING_KEY: must be a PEM private key/);
    const sec1 = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "sec1", format: "pem" }).toString();
    assert.ok("pem" in loadConfig({ CONFIRMATION_SIGNING_KEY: sec1.replaceAll("\n", "\\n") }).config.confirmations.signingKey);
  });

  it("reads previous keys as PEM blocks (public, or a private key's public half) and names a bad one", () => {
    const other = generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey.export({ type: "spki", format: "pem" }).toString();
    const { config } = loadConfig({ CONFIRMATION_PREVIOUS_PUBLIC_KEYS: `${other}\n${P256}` });
    assert.equal(config.confirmations.previousPublicKeys.length, 2);
    assert.ok(config.confirmations.previousPublicKeys.every((pem) => pem.startsWith("-----BEGIN PUBLIC KEY-----")));
    assert.throws(() => loadConfig({ CONFIRMATION_PREVIOUS_PUBLIC_KEYS: "garbage" }), /CONFIRMATION_PREVIOUS_PUBLIC_KEYS/);
    const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey.export({ type: "spki", format: "pem" }).toString();
    assert.throws(() => loadConfig({ CONFIRMATION_PREVIOUS_PUBLIC_KEYS: `${other}${rsa}` }), /CONFIRMATION_PREVIOUS_PUBLIC_KEYS: key 2 is not an EC P-256/);
  });

  it("CONFIRMATION_POLICY: types apart by `,`, combinations by `|`, methods by `+`; every combination has the PIN; mistakes named", () => {
    const { policy } = loadConfig({ CONFIRMATION_POLICY: "withdrawal=passkey+pin, trade = pin+code|pin" }).config.confirmations;
    assert.deepEqual(policy.withdrawal, [["pin", "passkey"]]);
    assert.deepEqual(policy.trade, [["pin", "code"], ["pin"]]);
    assert.deepEqual(policy.bank_account_change, [["pin", "passkey"], ["pin", "code"]], "a type not named keeps its default");
    for (const [value, message] of [
      ["transfer=pin", /CONFIRMATION_POLICY: "transfer=pin" must be TYPE=METHODS/],
      ["trade=pin,trade=pin+code", /CONFIRMATION_POLICY: trade is named twice/],
      ["trade=pin+sms", /CONFIRMATION_POLICY: "pin\+sms" for trade must be methods/],
      ["trade=pin+pin", /CONFIRMATION_POLICY: "pin\+pin" for trade must be methods/],
      ["withdrawal=passkey", /CONFIRMATION_POLICY: "passkey" for withdrawal must include pin/],
      ["trade=", /CONFIRMATION_POLICY/],
      ["", /CONFIRMATION_POLICY/],
    ] as const) {
      assert.throws(() => loadConfig({ CONFIRMATION_POLICY: value }), message, value);
    }
  });

  it("PASSKEY_REQUIRED_FOR_WITHDRAWALS_FROM is a calendar date, from 00:00 Japan time", () => {
    assert.equal(loadConfig({}).config.confirmations.passkeyRequiredFrom, null);
    assert.deepEqual(loadConfig({ PASSKEY_REQUIRED_FOR_WITHDRAWALS_FROM: "2026-04-01" }).config.confirmations.passkeyRequiredFrom, {
      date: "2026-04-01",
      at: Date.parse("2026-04-01T00:00:00+09:00"),
    });
    assert.throws(() => loadConfig({ PASSKEY_REQUIRED_FOR_WITHDRAWALS_FROM: "2026-02-30" }), /PASSKEY_REQUIRED_FOR_WITHDRAWALS_FROM: 2026-02-30 is not a calendar date/);
    assert.throws(() => loadConfig({ PASSKEY_REQUIRED_FOR_WITHDRAWALS_FROM: "April 2026" }), /PASSKEY_REQUIRED_FOR_WITHDRAWALS_FROM: must be a date/);
  });

  it("CONFIRMATION_AUDIENCE defaults to okb-trading and refuses spaces", () => {
    assert.equal(loadConfig({}).config.confirmations.audience, "okb-trading");
    assert.equal(loadConfig({ CONFIRMATION_AUDIENCE: "https://trade.okb-sec.co.jp" }).config.confirmations.audience, "https://trade.okb-sec.co.jp");
    assert.throws(() => loadConfig({ CONFIRMATION_AUDIENCE: "okb trading" }), /CONFIRMATION_AUDIENCE/);
  });
});

describe("the policy applied to a customer (requiredMethods)", () => {
  const { policy } = loadConfig({}).config.confirmations;

  it("the defaults: trade PIN; withdrawal and account change PIN + passkey with a passkey, else PIN + code", () => {
    for (const hasPasskey of [false, true]) {
      assert.deepEqual(requiredMethods(policy, "trade", { hasPasskey, passkeyScheduleReached: false }), ["pin"]);
      assert.deepEqual(requiredMethods(policy, "trade", { hasPasskey, passkeyScheduleReached: true }), ["pin"]);
    }
    for (const type of ["withdrawal", "bank_account_change"] as const) {
      assert.deepEqual(requiredMethods(policy, type, { hasPasskey: true, passkeyScheduleReached: false }), ["pin", "passkey"]);
      assert.deepEqual(requiredMethods(policy, type, { hasPasskey: false, passkeyScheduleReached: false }), ["pin", "code"]);
      assert.deepEqual(requiredMethods(policy, type, { hasPasskey: true, passkeyScheduleReached: true }), ["pin", "passkey"]);
      assert.equal(requiredMethods(policy, type, { hasPasskey: false, passkeyScheduleReached: true }), null);
    }
  });

  it("after the date, a policy that named no passkey for withdrawals still asks for PIN + passkey", () => {
    const codeOnly = loadConfig({ CONFIRMATION_POLICY: "withdrawal=pin+code" }).config.confirmations.policy;
    assert.deepEqual(requiredMethods(codeOnly, "withdrawal", { hasPasskey: true, passkeyScheduleReached: false }), ["pin", "code"]);
    assert.deepEqual(requiredMethods(codeOnly, "withdrawal", { hasPasskey: true, passkeyScheduleReached: true }), ["pin", "passkey"]);
  });
});
