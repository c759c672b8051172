import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { AuthenticationResponseJSON, PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";
import { sharedTestService, startTestService } from "../support/test-service.ts";
import type { TestCustomer, TestService } from "../support/test-service.ts";
import type { WebClient } from "../support/web-client.ts";
import { SoftAuthenticator } from "../support/soft-authenticator.ts";
import { TRADING_PIN, giveTradingPin, loggedInClient, tradingSiteVerify } from "../support/trading-site.ts";
import type { Order } from "../support/trading-site.ts";
import { codeMailSubject } from "../../src/core/mail/code-mails.ts";

const BUY: Order = { type: "trade", details: { side: "buy", symbol: "7203", quantity: 100, price: "market" } };
const WITHDRAWAL: Order = { type: "withdrawal", details: { amount: 30000 } };
const ACCOUNT_CHANGE: Order = { type: "bank_account_change", details: { bankCode: "0005", branchCode: "123", accountType: "ordinary", accountNumber: "7654321" } };

interface Started {
  id: string;
  required: string[];
  summary: string;
  passkeyOptions?: PublicKeyCredentialRequestOptionsJSON;
}

interface WithPasskey {
  customer: TestCustomer;
  client: WebClient;
  authenticator: SoftAuthenticator;
}

function codeMails(t: TestService, customer: TestCustomer): number {
  return t.smtp.mails.filter((mail) => mail.to === customer.email && mail.subject === codeMailSubject(t.config.brand)).length;
}

/** A logged-in customer with a trading PIN and a passkey registered through the API, as the app does it. */
async function customerWithPasskey(t: TestService, options: { userVerified?: boolean } = {}): Promise<WithPasskey> {
  const customer = await t.addCustomer();
  await giveTradingPin(t, customer);
  const client = await loggedInClient(t, customer);
  assert.equal((await client.post("/api/v1/passkeys/code", { json: {} })).statusCode, 200);
  const code = await t.codeFor(customer.email, 2);
  const { options: creation } = (await client.post("/api/v1/passkeys/registration/options", { json: { code } })).json();
  const authenticator = new SoftAuthenticator({ origin: t.config.publicUrl, userVerified: options.userVerified ?? true });
  const registered = await client.post("/api/v1/passkeys", { json: { name: "iPhone", response: authenticator.register(creation) } });
  assert.equal(registered.statusCode, 200, registered.body);
  return { customer, client, authenticator };
}

async function start(client: WebClient, order: Order): Promise<Started> {
  const response = await client.post("/api/v1/confirmations", { json: { operation: order } });
  assert.equal(response.statusCode, 200, response.body);
  return response.json() as Started;
}

function options(started: Started): PublicKeyCredentialRequestOptionsJSON {
  assert.ok(started.passkeyOptions !== undefined, "passkey options come with the confirmation");
  return started.passkeyOptions;
}

async function answer(client: WebClient, id: string, body: { pin: string; passkeyResponse?: AuthenticationResponseJSON; code?: string }): Promise<{ statusCode: number; code?: string; token?: string; body: string }> {
  const response = await client.post(`/api/v1/confirmations/${id}`, { json: body });
  const json = response.json();
  return { statusCode: response.statusCode, code: json.error?.code, token: json.token, body: response.body };
}

describe("confirmations with a passkey (PIN + passkey; the passkey signs SHA-256(nonce ‖ the operation))", () => {
  const t = sharedTestService({ env: { RATE_LIMIT_CODE_MAILS_PER_CUSTOMER: "100/60" } });

  it("a withdrawal and an account change ask a customer with a passkey for PIN + passkey, send no code, and give a token with amr pin, hwk, user", async () => {
    const { customer, client, authenticator } = await customerWithPasskey(t);
    const mailsBefore = codeMails(t, customer);
    for (const order of [WITHDRAWAL, ACCOUNT_CHANGE]) {
      const started = await start(client, order);
      assert.deepEqual(started.required, ["pin", "passkey"]);
      const request = options(started);
      assert.equal(request.userVerification, "required");
      assert.deepEqual(request.allowCredentials?.map((credential) => credential.id), [authenticator.credentials[0]?.id]);
      const answered = await answer(client, started.id, { pin: TRADING_PIN, passkeyResponse: authenticator.assert(request) });
      assert.equal(answered.statusCode, 200, answered.body);
      const keys = (await t.client().get("/.well-known/jwks.json")).json();
      const payload = await tradingSiteVerify(answered.token ?? "", order, keys, { issuer: t.config.publicUrl, now: t.clock.now(), customer: customer.loginId });
      assert.deepEqual(payload["amr"], ["pin", "hwk", "user"]);
    }
    await t.drainOutbox();
    assert.equal(codeMails(t, customer), mailsBefore, "no code mail: the passkey replaces it");
  });

  it("a trade stays PIN alone for a customer with a passkey (seed Q10)", async () => {
    const { client } = await customerWithPasskey(t);
    const started = await start(client, BUY);
    assert.deepEqual(started.required, ["pin"]);
    assert.equal(started.passkeyOptions, undefined);
  });

  it("the assertion is bound to its confirmation: one made for another confirmation of the same order is refused [5161], and the right one still works", async () => {
    const { client, authenticator } = await customerWithPasskey(t);
    const first = await start(client, WITHDRAWAL);
    const second = await start(client, WITHDRAWAL);
    assert.notEqual(options(first).challenge, options(second).challenge, "a fresh nonce per confirmation");
    const forSecond = authenticator.assert(options(second));
    assert.equal((await answer(client, first.id, { pin: TRADING_PIN, passkeyResponse: forSecond })).code, "5161");
    const forFirst = await answer(client, first.id, { pin: TRADING_PIN, passkeyResponse: authenticator.assert(options(first)) });
    assert.equal(forFirst.statusCode, 200, forFirst.body);
    const replayed = await answer(client, first.id, { pin: TRADING_PIN, passkeyResponse: authenticator.assert(options(first)) });
    assert.equal(replayed.code, "5141", "the confirmation gave its token");
  });

  it("an authenticator that does not verify the user, or an assertion made on another origin, is refused [5161]", async () => {
    const { client, authenticator } = await customerWithPasskey(t);
    const started = await start(client, WITHDRAWAL);
    assert.equal((await answer(client, started.id, { pin: TRADING_PIN, passkeyResponse: authenticator.assert(options(started), { userVerified: false }) })).code, "5161");
    assert.equal((await answer(client, started.id, { pin: TRADING_PIN, passkeyResponse: authenticator.assert(options(started), { origin: "https://okb-sec.example.com" }) })).code, "5161");
    assert.equal((await answer(client, started.id, { pin: TRADING_PIN, passkeyResponse: authenticator.assert(options(started)) })).statusCode, 200, "still usable");
  });

  it("a malformed passkey answer is [4000] before the PIN is looked at: nothing counted, the confirmation still usable", async () => {
    const { customer, client, authenticator } = await customerWithPasskey(t);
    const started = await start(client, WITHDRAWAL);
    const pinEventsBefore = (await t.auditEvents(customer.customer.id)).filter((event) => event.event.startsWith("trading_pin.")).length;
    for (const malformed of [{}, { id: "x" }, { id: "x", rawId: "x", type: "public-key", response: "not an object" }]) {
      const response = await client.post(`/api/v1/confirmations/${started.id}`, { json: { pin: "9157", passkeyResponse: malformed } });
      assert.equal(response.statusCode, 400, JSON.stringify(malformed));
      assert.equal(response.json().error.code, "4000");
    }
    const pinEventsAfter = (await t.auditEvents(customer.customer.id)).filter((event) => event.event.startsWith("trading_pin.")).length;
    assert.equal(pinEventsAfter, pinEventsBefore, "the wrong PIN sent with a malformed answer was never checked");
    assert.equal((await answer(client, started.id, { pin: TRADING_PIN, passkeyResponse: authenticator.assert(options(started)) })).statusCode, 200);
  });

  it("another customer's passkey is refused [5161]", async () => {
    const mine = await customerWithPasskey(t);
    const theirs = await customerWithPasskey(t);
    const started = await start(mine.client, WITHDRAWAL);
    const foreign = theirs.authenticator.assert({ ...options(started), allowCredentials: [] });
    assert.equal((await answer(mine.client, started.id, { pin: TRADING_PIN, passkeyResponse: foreign })).code, "5161");
  });

  it("a wrong PIN with a good assertion answers [5142] and leaves the confirmation usable; a missing assertion is [4000]", async () => {
    const { client, authenticator } = await customerWithPasskey(t);
    const started = await start(client, WITHDRAWAL);
    assert.equal((await answer(client, started.id, { pin: TRADING_PIN })).code, "4000");
    assert.equal((await answer(client, started.id, { pin: "9157", passkeyResponse: authenticator.assert(options(started)) })).code, "5142");
    assert.equal((await answer(client, started.id, { pin: TRADING_PIN, passkeyResponse: authenticator.assert(options(started)) })).statusCode, 200);
  });
});

describe("confirmations after the published passkey date", () => {
  it("withdrawals take PIN + passkey from a customer with a passkey, and refuse one without [5146]", async (context) => {
    const t = await startTestService(context, { env: { PASSKEY_REQUIRED_FOR_WITHDRAWALS_FROM: "2026-04-01" } });
    const { client, authenticator } = await customerWithPasskey(t);
    const started = await start(client, WITHDRAWAL);
    assert.deepEqual(started.required, ["pin", "passkey"]);
    assert.equal((await answer(client, started.id, { pin: TRADING_PIN, passkeyResponse: authenticator.assert(options(started)) })).statusCode, 200);
    const without = await t.addCustomer();
    await giveTradingPin(t, without);
    const other = await loggedInClient(t, without);
    assert.equal((await other.post("/api/v1/confirmations", { json: { operation: WITHDRAWAL } })).json().error.code, "5146");
  });
});
