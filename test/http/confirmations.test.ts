import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { decodeJwt, decodeProtectedHeader } from "jose";
import type { JSONWebKeySet } from "jose";
import { sharedTestService, startTestService } from "../support/test-service.ts";
import type { TestCustomer, TestService } from "../support/test-service.ts";
import type { WebClient } from "../support/web-client.ts";
import { wrongCodeFor } from "../support/codes.ts";
import { TRADING_PIN, giveTradingPin, loggedInClient, opSha256Of, tradingSiteVerify } from "../support/trading-site.ts";
import type { Order } from "../support/trading-site.ts";
import { codeMailSubject } from "../../src/core/mail/code-mails.ts";

const BUY: Order = { type: "trade", details: { side: "buy", symbol: "7203", quantity: 100, price: "market" } };
const WITHDRAWAL: Order = { type: "withdrawal", details: { amount: 30000 } };
const ACCOUNT_CHANGE: Order = { type: "bank_account_change", details: { bankCode: "0005", branchCode: "123", accountType: "ordinary", accountNumber: "1234567", bankName: "三菱UFJ銀行" } };

interface Started {
  id: string;
  required: string[];
  summary: string;
  expiresAt: string;
  passkeyOptions?: { challenge: string };
}

async function start(client: WebClient, order: Order): Promise<Started> {
  const response = await client.post("/api/v1/confirmations", { json: { operation: order } });
  assert.equal(response.statusCode, 200, response.body);
  return response.json() as Started;
}

async function jwks(t: TestService): Promise<JSONWebKeySet> {
  return (await t.client().get("/.well-known/jwks.json")).json() as JSONWebKeySet;
}

/** The n-th code mail to the customer (login codes count too), and the code in it. */
async function mailedCode(t: TestService, customer: TestCustomer, n: number): Promise<{ code: string; text: string }> {
  const mail = await t.mailTo(customer.email, n, codeMailSubject(t.config.brand));
  const code = /認証コード: (\d{6})/.exec(mail.text)?.[1];
  assert.ok(code !== undefined, "the mail carries a code");
  return { code, text: mail.text };
}

/** The code mails queued for the customer (login codes and confirmation codes; not the login notices). */
async function codeSubjects(t: TestService, customer: TestCustomer): Promise<string[]> {
  return (await t.queuedSubjects(customer.email)).filter((subject) => subject === codeMailSubject(t.config.brand));
}

async function confirmationRows(t: TestService, customerId: string): Promise<Array<{ state: string }>> {
  return t.service.database.db.selectFrom("confirmations").select("state").where("customer_id", "=", customerId).execute();
}

describe("operation-bound confirmations (POST /api/v1/confirmations, POST /api/v1/confirmations/{id}): the policy table", () => {
  const t = sharedTestService({ env: { RATE_LIMIT_CODE_MAILS_PER_CUSTOMER: "100/60" } });

  async function customerWithPin(): Promise<{ customer: TestCustomer; client: WebClient }> {
    const customer = await t.addCustomer();
    await giveTradingPin(t, customer);
    return { customer, client: await loggedInClient(t, customer) };
  }

  it("a trade asks for the trading PIN alone (seed Q10), summarised as 「買付 7203 100株 成行」; no mail; the PIN gives a token", async () => {
    const { customer, client } = await customerWithPin();
    const started = await start(client, BUY);
    assert.deepEqual(started.required, ["pin"]);
    assert.equal(started.summary, "買付 7203 100株 成行");
    assert.equal(started.passkeyOptions, undefined);
    assert.equal(new Date(started.expiresAt).getTime() - t.clock.now(), 5 * 60 * 1000, "five minutes to answer");
    await t.drainOutbox();
    assert.deepEqual(await codeSubjects(t, customer), [codeMailSubject(t.config.brand)], "only the login's code mail");
    const answered = await client.post(`/api/v1/confirmations/${started.id}`, { json: { pin: TRADING_PIN } });
    assert.equal(answered.statusCode, 200, answered.body);
    const payload = await tradingSiteVerify(answered.json().token, BUY, await jwks(t), { issuer: t.config.publicUrl, now: t.clock.now(), customer: customer.loginId });
    assert.deepEqual(payload["amr"], ["pin"]);
  });

  it("a sell at a limit price and unknown fields: 「売付 7203 1,000株 指値 2,501.5円 account=tokutei」", async () => {
    const { client } = await customerWithPin();
    const started = await start(client, { type: "trade", details: { side: "sell", symbol: "7203", quantity: 1000, price: "2501.5", account: "tokutei" } });
    assert.equal(started.summary, "売付 7203 1,000株 指値 2,501.5円 account=tokutei");
  });

  it("a withdrawal without a passkey asks for PIN + emailed code (the interim alternative); the code mail names 「出金 30,000円」 and comes at once", async () => {
    const { customer, client } = await customerWithPin();
    const started = await start(client, WITHDRAWAL);
    assert.deepEqual(started.required, ["pin", "code"]);
    assert.equal(started.summary, "出金 30,000円");
    assert.equal(new Date(started.expiresAt).getTime() - t.clock.now(), t.config.codeTtlSeconds * 1000, "as long as the code");
    const { code, text } = await mailedCode(t, customer, 2);
    assert.match(text, /ご確認いただく操作: 出金 30,000円/);
    assert.match(text, /Operation: Withdrawal 30,000 yen/);
    const answered = await client.post(`/api/v1/confirmations/${started.id}`, { json: { pin: TRADING_PIN, code } });
    assert.equal(answered.statusCode, 200, answered.body);
    const payload = await tradingSiteVerify(answered.json().token, WITHDRAWAL, await jwks(t), { issuer: t.config.publicUrl, now: t.clock.now(), customer: customer.loginId });
    assert.deepEqual(payload["amr"], ["pin", "otp"]);
  });

  it("a change of the withdrawal account without a passkey: PIN + code; 「出金先口座の変更」 with the known fields, the mail without the free-text bank name", async () => {
    const { customer, client } = await customerWithPin();
    const started = await start(client, ACCOUNT_CHANGE);
    assert.deepEqual(started.required, ["pin", "code"]);
    assert.equal(started.summary, "出金先口座の変更 三菱UFJ銀行 金融機関コード 0005 支店コード 123 普通 口座番号 1234567");
    const { text } = await mailedCode(t, customer, 2);
    assert.match(text, /ご確認いただく操作: 出金先口座の変更 金融機関コード 0005 支店コード 123 普通 口座番号 1234567\n（ほか1項目。/);
    assert.doesNotMatch(text, /三菱UFJ銀行/);
  });

  it("text a session holder typed never reaches the code mail: a link or a phone number in a field is counted, not repeated", async () => {
    const { customer, client } = await customerWithPin();
    const started = await start(client, { type: "withdrawal", details: { amount: 5000, note: "至急 https://okb-sec.example/verify 0120-999-999 へ" } });
    assert.equal(started.summary, "出金 5,000円 note=至急 https://okb-sec.example/verify 0120-999-999 へ", "the app shows everything");
    const { text } = await mailedCode(t, customer, 2);
    assert.doesNotMatch(text, /https?:|okb-sec\.example|0120-999/);
    assert.match(text, /出金 5,000円\n（ほか1項目。内容はご利用中の画面でご確認ください）/);
  });

  it("a wrong PIN answers [5142] and does not use the confirmation up; the right PIN then gives the token", async () => {
    const { client } = await customerWithPin();
    const started = await start(client, BUY);
    const wrong = await client.post(`/api/v1/confirmations/${started.id}`, { json: { pin: "9157" } });
    assert.equal(wrong.statusCode, 401);
    assert.equal(wrong.json().error.code, "5142");
    const right = await client.post(`/api/v1/confirmations/${started.id}`, { json: { pin: TRADING_PIN } });
    assert.equal(right.statusCode, 200, right.body);
  });

  it("a wrong code answers [5121] and does not use the confirmation up; PIN and the right code then give the token", async () => {
    const { customer, client } = await customerWithPin();
    const started = await start(client, WITHDRAWAL);
    const { code } = await mailedCode(t, customer, 2);
    const wrong = await client.post(`/api/v1/confirmations/${started.id}`, { json: { pin: TRADING_PIN, code: wrongCodeFor(code) } });
    assert.equal(wrong.json().error.code, "5121");
    const missing = await client.post(`/api/v1/confirmations/${started.id}`, { json: { pin: TRADING_PIN } });
    assert.equal(missing.json().error.code, "4000", "the code is required for this one");
    const right = await client.post(`/api/v1/confirmations/${started.id}`, { json: { pin: TRADING_PIN, code } });
    assert.equal(right.statusCode, 200, right.body);
  });

  it("a locked PIN answers [5143] and issues nothing", async () => {
    const { client } = await customerWithPin();
    const started = await start(client, BUY);
    for (let attempt = 1; attempt <= 4; attempt += 1) {
      assert.equal((await client.post(`/api/v1/confirmations/${started.id}`, { json: { pin: "9157" } })).json().error.code, "5142");
    }
    assert.equal((await client.post(`/api/v1/confirmations/${started.id}`, { json: { pin: "9157" } })).json().error.code, "5143");
    const right = await client.post(`/api/v1/confirmations/${started.id}`, { json: { pin: TRADING_PIN } });
    assert.equal(right.json().error.code, "5143", "even the right PIN, while locked");
  });

  it("a confirmation issues one token: the second answer is refused [5141]", async () => {
    const { customer, client } = await customerWithPin();
    const started = await start(client, BUY);
    assert.equal((await client.post(`/api/v1/confirmations/${started.id}`, { json: { pin: TRADING_PIN } })).statusCode, 200);
    const again = await client.post(`/api/v1/confirmations/${started.id}`, { json: { pin: TRADING_PIN } });
    assert.equal(again.statusCode, 409);
    assert.equal(again.json().error.code, "5141");
    const refused = (await t.auditEvents(customer.customer.id)).filter((event) => event.event === "confirmation.refused");
    assert.equal(refused.at(-1)?.detail["reason"], "issued_already");
  });

  it("an expired confirmation is refused [5141] (5 minutes; with a code, the code's 10)", async () => {
    const { customer, client } = await customerWithPin();
    const trade = await start(client, BUY);
    const withdrawal = await start(client, WITHDRAWAL);
    const { code } = await mailedCode(t, customer, 2);
    t.clock.advance(5 * 60 * 1000);
    assert.equal((await client.post(`/api/v1/confirmations/${trade.id}`, { json: { pin: TRADING_PIN } })).json().error.code, "5141");
    t.clock.advance(5 * 60 * 1000);
    const late = await client.post(`/api/v1/confirmations/${withdrawal.id}`, { json: { pin: TRADING_PIN, code } });
    assert.equal(late.json().error.code, "5141");
  });

  it("another customer's confirmation is refused [5141], as an unknown one is, and stays usable for its owner", async () => {
    const owner = await customerWithPin();
    const other = await customerWithPin();
    const started = await start(owner.client, BUY);
    const stolen = await other.client.post(`/api/v1/confirmations/${started.id}`, { json: { pin: TRADING_PIN } });
    assert.equal(stolen.json().error.code, "5141");
    const unknown = await other.client.post("/api/v1/confirmations/00000000-0000-4000-8000-000000000000", { json: { pin: TRADING_PIN } });
    assert.deepEqual(unknown.json().error, stolen.json().error);
    assert.equal((await owner.client.post(`/api/v1/confirmations/${started.id}`, { json: { pin: TRADING_PIN } })).statusCode, 200);
  });

  it("the token for one order does not verify for another (op_sha256); it expires after 60 seconds", async () => {
    const { customer, client } = await customerWithPin();
    const started = await start(client, BUY);
    const { token } = (await client.post(`/api/v1/confirmations/${started.id}`, { json: { pin: TRADING_PIN } })).json();
    const keys = await jwks(t);
    const expect = { issuer: t.config.publicUrl, now: t.clock.now(), customer: customer.loginId };
    const other: Order = { type: "trade", details: { ...BUY.details, quantity: 1000 } };
    await assert.rejects(tradingSiteVerify(token, other, keys, expect), /op_sha256 does not match/);
    const reordered: Order = { type: "trade", details: { price: "market", quantity: 100, symbol: "7203", side: "buy" } };
    await tradingSiteVerify(token, reordered, keys, expect);
    await assert.rejects(tradingSiteVerify(token, BUY, keys, { ...expect, now: t.clock.now() + 61_000 }), { code: "ERR_JWT_EXPIRED" });
    await assert.rejects(tradingSiteVerify(token, BUY, keys, { ...expect, audience: "another-site" }), { code: "ERR_JWT_CLAIM_VALIDATION_FAILED" });
  });

  it("a token one customer confirmed does not verify for another customer's identical order: the trading site compares sub with the order's customer (issue 17 item 8)", async () => {
    const confirmer = await customerWithPin();
    const victim = await customerWithPin();
    const started = await start(confirmer.client, BUY);
    const { token } = (await confirmer.client.post(`/api/v1/confirmations/${started.id}`, { json: { pin: TRADING_PIN } })).json();
    const keys = await jwks(t);
    // The same trade, for the victim's account: op_sha256 matches, the signature is good; only sub differs.
    assert.equal(opSha256Of(BUY), decodeJwt(token)["op_sha256"]);
    await assert.rejects(tradingSiteVerify(token, BUY, keys, { issuer: t.config.publicUrl, now: t.clock.now(), customer: victim.customer.loginId }), /sub is another customer/);
    const payload = await tradingSiteVerify(token, BUY, keys, { issuer: t.config.publicUrl, now: t.clock.now(), customer: confirmer.customer.loginId });
    assert.equal(payload.sub, confirmer.customer.loginId, "for the order of the customer who confirmed it, it verifies");
  });

  it("the token's header and claims: ES256, typ okb-confirmation+jwt, kid of the JWK Set; iss, aud, sub = login ID, jti = the confirmation, exp = iat + 60, op_sha256", async () => {
    const { customer, client } = await customerWithPin();
    const started = await start(client, BUY);
    const { token } = (await client.post(`/api/v1/confirmations/${started.id}`, { json: { pin: TRADING_PIN } })).json();
    const header = decodeProtectedHeader(token);
    const keys = await jwks(t);
    assert.equal(header.alg, "ES256");
    assert.equal(header.typ, "okb-confirmation+jwt");
    assert.equal(header.kid, keys.keys[0]?.kid);
    const payload = await tradingSiteVerify(token, BUY, keys, { issuer: t.config.publicUrl, now: t.clock.now(), customer: customer.loginId });
    assert.equal(payload.iss, t.config.publicUrl);
    assert.equal(payload.aud, "okb-trading");
    assert.equal(payload.sub, customer.loginId);
    assert.equal(payload.jti, started.id);
    assert.equal(payload.iat, Math.floor(t.clock.now() / 1000));
    assert.equal((payload.exp ?? 0) - (payload.iat ?? 0), 60);
    assert.equal(payload["op_sha256"], opSha256Of(BUY));
    const events = (await t.auditEvents(customer.customer.id)).filter((event) => event.event.startsWith("confirmation."));
    assert.deepEqual(events.map((event) => event.event), ["confirmation.created", "confirmation.issued"]);
    assert.equal(events[1]?.detail["amr"], "pin");
    assert.doesNotMatch(JSON.stringify(events), new RegExp(token.split(".")[2] ?? "never"), "the token is never audited");
  });

  it("GET /.well-known/jwks.json: the public key only (EC P-256, ES256, sig), cacheable for a minute, without a session", async () => {
    const response = await t.client().get("/.well-known/jwks.json");
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers["cache-control"], "public, max-age=60");
    const { keys } = response.json() as JSONWebKeySet;
    assert.equal(keys.length, 1);
    assert.deepEqual(Object.keys(keys[0] ?? {}).sort(), ["alg", "crv", "kid", "kty", "use", "x", "y"]);
    assert.deepEqual([keys[0]?.kty, keys[0]?.crv, keys[0]?.alg, keys[0]?.use], ["EC", "P-256", "ES256", "sig"]);
  });

  it("needs a session: [4010] without one", async () => {
    const response = await t.client().post("/api/v1/confirmations", { json: { operation: BUY } });
    assert.equal(response.statusCode, 401);
    assert.equal(response.json().error.code, "4010");
  });

  it("details must be a flat object of short strings and integers: nested, float, array, boolean, null, huge → [4000], nothing stored, nothing mailed", async () => {
    const { customer, client } = await customerWithPin();
    const bad: unknown[] = [
      { type: "withdrawal", details: { amount: { value: 30000 } } },
      { type: "withdrawal", details: { amount: 30000.5 } },
      { type: "withdrawal", details: { amount: [30000] } },
      { type: "withdrawal", details: { amount: true } },
      { type: "withdrawal", details: { amount: null } },
      { type: "withdrawal", details: { amount: 2 ** 60 } },
      { type: "withdrawal", details: { memo: "x".repeat(129) } },
      { type: "withdrawal", details: { memo: "" } },
      { type: "withdrawal", details: { memo: "line\nbreak" } },
      { type: "withdrawal", details: Object.fromEntries(Array.from({ length: 17 }, (_, index) => [`f${index}`, index])) },
      { type: "withdrawal", details: { "bad-key": 1 } },
      { type: "withdrawal", details: [] },
      { type: "withdrawal" },
      { type: "transfer", details: { amount: 1 } },
      { type: "withdrawal", details: { amount: 1 }, extra: 1 },
      "withdrawal",
      null,
    ];
    for (const operation of bad) {
      const response = await client.post("/api/v1/confirmations", { json: { operation } });
      assert.equal(response.statusCode, 400, JSON.stringify(operation));
      assert.equal(response.json().error.code, "4000", JSON.stringify(operation));
    }
    const huge = await client.post("/api/v1/confirmations", { json: { operation: { type: "withdrawal", details: { memo: "x".repeat(20_000) } } } });
    assert.equal(huge.json().error.code, "4000", "a body over the size limit");
    const form = await client.post("/api/v1/confirmations", { body: "operation=withdrawal", headers: { "content-type": "application/x-www-form-urlencoded" } });
    assert.deepEqual([form.statusCode, form.json().error.code], [415, "4000"], "a form body");
    const broken = await client.post("/api/v1/confirmations", { body: '{"operation":{"type":"withdrawal",', headers: { "content-type": "application/json" } });
    assert.deepEqual([broken.statusCode, broken.json().error.code], [400, "4000"], "broken JSON");
    assert.deepEqual(await confirmationRows(t, customer.customer.id), []);
    assert.deepEqual(await codeSubjects(t, customer), [codeMailSubject(t.config.brand)], "only the login's code");
  });

  it("a key repeated in the JSON: the last one counts, in the summary and in the signed operation alike", async () => {
    const { customer, client } = await customerWithPin();
    const response = await client.post("/api/v1/confirmations", { body: '{"operation":{"type":"trade","details":{"side":"buy","quantity":1,"quantity":100}}}', headers: { "content-type": "application/json" } });
    assert.equal(response.json().summary, "買付 100株");
    const { token } = (await client.post(`/api/v1/confirmations/${response.json().id}`, { json: { pin: TRADING_PIN } })).json();
    await tradingSiteVerify(token, { type: "trade", details: { side: "buy", quantity: 100 } }, await jwks(t), { issuer: t.config.publicUrl, now: t.clock.now(), customer: customer.loginId });
  });

  it("a malformed confirmation ID in the path is [4000]; a PIN missing is [4000]", async () => {
    const { client } = await customerWithPin();
    assert.equal((await client.post("/api/v1/confirmations/not%20an%20id", { json: { pin: TRADING_PIN } })).json().error.code, "4000");
    const started = await start(client, BUY);
    assert.equal((await client.post(`/api/v1/confirmations/${started.id}`, { json: {} })).json().error.code, "4000");
  });
});

describe("confirmations: the passkey date (PASSKEY_REQUIRED_FOR_WITHDRAWALS_FROM) and a configured policy", () => {
  it("until the published date a withdrawal takes PIN + code; from 00:00 JST that day it needs a passkey: [5146] without one, nothing mailed; trades keep the PIN", async (context) => {
    // The test clock starts at 2026-11-25 09:30 JST.
    const t = await startTestService(context, { env: { PASSKEY_REQUIRED_FOR_WITHDRAWALS_FROM: "2026-11-26", RATE_LIMIT_CODE_MAILS_PER_CUSTOMER: "100/60" } });
    const customer = await t.addCustomer();
    await giveTradingPin(t, customer);
    let client = await loggedInClient(t, customer);
    assert.deepEqual((await start(client, WITHDRAWAL)).required, ["pin", "code"]);
    await t.mailTo(customer.email, 2, codeMailSubject(t.config.brand));
    // The worker idle before the clock jumps 14.5 hours: a mail it has handed to SMTP but not yet marked sent
    // would otherwise look like an expired claim and go out again, and the next login would read that copy.
    await t.drainOutbox();
    t.clock.advance(14.5 * 3600 * 1000 - 1);
    client = await loggedInClient(t, customer);
    assert.deepEqual((await start(client, ACCOUNT_CHANGE)).required, ["pin", "code"], "23:59:59.999 JST the day before");
    await t.mailTo(customer.email, 4, codeMailSubject(t.config.brand));
    await t.drainOutbox();
    t.clock.advance(1);
    for (const order of [WITHDRAWAL, ACCOUNT_CHANGE]) {
      const refused = await client.post("/api/v1/confirmations", { json: { operation: order } });
      assert.equal(refused.statusCode, 403);
      assert.equal(refused.json().error.code, "5146");
    }
    assert.deepEqual((await start(client, BUY)).required, ["pin"]);
    await t.drainOutbox();
    assert.equal((await codeSubjects(t, customer)).length, 4, "two logins, two confirmations: no code mail once the date is reached");
  });

  it("CONFIRMATION_POLICY=trade=pin+code: trades then need the emailed code too", async (context) => {
    const t = await startTestService(context, { env: { CONFIRMATION_POLICY: "trade=pin+code" } });
    const customer = await t.addCustomer();
    await giveTradingPin(t, customer);
    const client = await loggedInClient(t, customer);
    assert.deepEqual((await start(client, BUY)).required, ["pin", "code"]);
    assert.deepEqual((await start(client, WITHDRAWAL)).required, ["pin", "code"], "the types not named keep their default");
  });
});
