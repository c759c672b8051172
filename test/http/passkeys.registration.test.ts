import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { sharedTestService, startTestService } from "../support/test-service.ts";
import { wrongCodeFor } from "../support/codes.ts";
import { authenticatorFor, creationOptions, loggedIn, registerPasskey, registrationCode } from "../support/passkeys.ts";
import { SoftAuthenticator } from "../support/soft-authenticator.ts";

const REGISTERED = "【OKB証券】パスキー登録のお知らせ";
const RENAMED = "【OKB証券】パスキーの名前変更のお知らせ";
const REMOVED = "【OKB証券】パスキー削除のお知らせ";

describe("passkey registration and the customer's list (issue 13 §1, §7)", () => {
  const t = sharedTestService({ env: { RATE_LIMIT_CODE_MAILS_PER_CUSTOMER: "100/60" } });

  it("after a fresh emailed code: options for a discoverable passkey with user verification, the passkey stored, listed, and a notice mailed", async () => {
    const customer = await t.addCustomer();
    const browser = await loggedIn(t, customer);
    const code = await registrationCode(t, customer, browser);
    const codeMail = t.smtp.mails.filter((mail) => mail.to === customer.email).at(-1);
    assert.match(codeMail?.text ?? "", /パスキー登録のための「認証コード」/, "the code mail says what the code is for");
    const optionsResponse = await browser.post("/api/v1/passkeys/registration/options", { json: { code } });
    assert.equal(optionsResponse.statusCode, 200, optionsResponse.body);
    const { options } = optionsResponse.json();
    assert.equal(options.rp.id, "localhost", "RP ID = the host of PUBLIC_URL");
    assert.equal(options.rp.name, "OKB証券");
    assert.equal(options.attestation, "none");
    assert.equal(options.authenticatorSelection.residentKey, "required");
    assert.equal(options.authenticatorSelection.userVerification, "required");
    assert.equal(options.user.name, customer.loginId);
    assert.deepEqual(options.excludeCredentials, []);
    const authenticator = authenticatorFor(t);
    const created = await browser.post("/api/v1/passkeys", { json: { name: "  仕事用　iPhone ", response: authenticator.register(options) } });
    assert.equal(created.statusCode, 200, created.body);
    const passkey = created.json();
    assert.deepEqual(Object.keys(passkey).sort(), ["createdAt", "id", "name"]);
    assert.equal(passkey.name, "仕事用 iPhone", "spaces of every width trimmed and made one");
    const listed = (await browser.get("/api/v1/passkeys")).json();
    assert.deepEqual(listed, { items: [{ id: passkey.id, name: "仕事用 iPhone", createdAt: passkey.createdAt, lastUsedAt: null, backedUp: true }] });
    const notice = await t.mailTo(customer.email, 1, REGISTERED);
    assert.match(notice.text, /新しいパスキーが登録されました/);
    assert.doesNotMatch(notice.text, /https?:|www\.|仕事用/u, "no link, and not the name typed in the request");
    const registered = (await t.auditEvents(customer.customer.id)).filter((event) => event.event === "passkey.registered");
    assert.equal(registered.length, 1);
    assert.equal(registered[0]?.detail["deviceType"], "multiDevice");
    const again = await creationOptions(t, customer, browser);
    assert.deepEqual(
      again.excludeCredentials?.map((credential) => credential.id),
      [authenticator.credentials[0]?.id],
      "the customer's passkeys are excluded from the next registration",
    );
  });

  it("the code is used up by the options; a wrong code is [5121] and gives no options; no code asked for is [5121]", async () => {
    const customer = await t.addCustomer();
    const browser = await loggedIn(t, customer);
    const none = await browser.post("/api/v1/passkeys/registration/options", { json: { code: "123456" } });
    assert.equal(none.json().error.code, "5121");
    const code = await registrationCode(t, customer, browser);
    const wrong = await browser.post("/api/v1/passkeys/registration/options", { json: { code: wrongCodeFor(code) } });
    assert.equal(wrong.statusCode, 401);
    assert.equal(wrong.json().error.code, "5121");
    assert.equal((await browser.post("/api/v1/passkeys/registration/options", { json: { code } })).statusCode, 200);
    const reused = await browser.post("/api/v1/passkeys/registration/options", { json: { code } });
    assert.equal(reused.json().error.code, "5121", "a right code works once");
    const failed = (await t.auditEvents(customer.customer.id)).filter((event) => event.event === "code.failed" && event.detail["purpose"] === "passkey_registration");
    assert.equal(failed.length, 1, "the wrong code was counted");
  });

  it("a code of another session does not open the registration", async () => {
    const customer = await t.addCustomer();
    const asking = await loggedIn(t, customer);
    const other = await loggedIn(t, customer);
    const code = await registrationCode(t, customer, asking);
    assert.equal((await other.post("/api/v1/passkeys/registration/options", { json: { code } })).json().error.code, "5121");
  });

  it("refused attestations are [5161] and store nothing: no user verification, another origin, another RP ID, another challenge, a replay, no options asked", async () => {
    const customer = await t.addCustomer();
    const browser = await loggedIn(t, customer);
    const cases: Array<[string, (options: Parameters<SoftAuthenticator["register"]>[0]) => unknown]> = [
      ["no user verification", (options) => authenticatorFor(t, { userVerified: false }).register(options)],
      ["another origin", (options) => authenticatorFor(t).register(options, { origin: "https://okb-sec.example.net" })],
      ["another RP ID", (options) => authenticatorFor(t).register(options, { rpId: "okb-sec.example.net" })],
      ["another challenge", (options) => authenticatorFor(t).register(options, { challenge: Buffer.from("not the server's challenge").toString("base64url") })],
    ];
    for (const [what, answer] of cases) {
      const options = await creationOptions(t, customer, browser);
      const response = await browser.post("/api/v1/passkeys", { json: { name: "iPhone", response: answer(options) } });
      assert.equal(response.statusCode, 401, what);
      assert.equal(response.json().error.code, "5161", what);
      assert.match(response.json().error.message, /パスキーによる認証ができませんでした/u);
    }
    const options = await creationOptions(t, customer, browser);
    const good = authenticatorFor(t).register(options);
    assert.equal((await browser.post("/api/v1/passkeys", { json: { name: "iPhone", response: good } })).statusCode, 200);
    const replay = await browser.post("/api/v1/passkeys", { json: { name: "iPhone", response: good } });
    assert.equal(replay.json().error.code, "5161", "the challenge is single use");
    const fresh = await loggedIn(t, customer);
    const unasked = await fresh.post("/api/v1/passkeys", { json: { name: "iPhone", response: authenticatorFor(t).register(options) } });
    assert.equal(unasked.json().error.code, "5161", "a challenge of another session");
    assert.equal((await browser.get("/api/v1/passkeys")).json().items.length, 1, "only the good one");
    const refusals = (await t.auditEvents(customer.customer.id)).filter((event) => event.event === "passkey.failed").map((event) => event.detail["reason"]);
    assert.deepEqual(refusals.slice(0, 4), ["no_user_verification", "wrong_origin", "wrong_rp_id", "wrong_challenge"]);
  });

  it("a bad name is [4000] before the challenge is spent; the registration then goes on with a good name", async () => {
    const customer = await t.addCustomer();
    const browser = await loggedIn(t, customer);
    const options = await creationOptions(t, customer, browser);
    const answer = authenticatorFor(t).register(options);
    for (const name of ["", "   ", "x".repeat(41), "iPhone\u202Egnp.exe"]) {
      const response = await browser.post("/api/v1/passkeys", { json: { name, response: answer } });
      assert.equal(response.json().error?.code, "4000", JSON.stringify(name));
    }
    assert.equal((await browser.post("/api/v1/passkeys", { json: { name: "x".repeat(40), response: answer } })).statusCode, 200);
  });

  it("rename and remove: only the customer's own passkeys ([4040] for another's or an unknown ID), each change mailed and audited", async () => {
    const owner = await t.addCustomer();
    const intruder = await t.addCustomer();
    const ownerBrowser = await loggedIn(t, owner);
    const intruderBrowser = await loggedIn(t, intruder);
    const id = await registerPasskey(t, owner, ownerBrowser, authenticatorFor(t), "iPhone");
    assert.equal((await intruderBrowser.patch(`/api/v1/passkeys/${id}`, { json: { name: "盗った" } })).json().error.code, "4040");
    assert.equal((await intruderBrowser.delete(`/api/v1/passkeys/${id}`)).json().error.code, "4040");
    assert.equal((await ownerBrowser.delete("/api/v1/passkeys/no-such-passkey")).json().error.code, "4040");
    assert.equal((await ownerBrowser.patch(`/api/v1/passkeys/${id}`, { json: { name: "" } })).json().error.code, "4000");
    const renamed = await ownerBrowser.patch(`/api/v1/passkeys/${id}`, { json: { name: "私物 iPhone" } });
    assert.equal(renamed.statusCode, 200, renamed.body);
    assert.equal(renamed.json().name, "私物 iPhone");
    assert.equal((await ownerBrowser.get("/api/v1/passkeys")).json().items[0].name, "私物 iPhone");
    assert.match((await t.mailTo(owner.email, 1, RENAMED)).text, /パスキーの名前が変更されました/u);
    const removed = await ownerBrowser.delete(`/api/v1/passkeys/${id}`);
    assert.deepEqual(removed.json(), { status: "ok" });
    assert.deepEqual((await ownerBrowser.get("/api/v1/passkeys")).json(), { items: [] });
    assert.match((await t.mailTo(owner.email, 1, REMOVED)).text, /パスキーが削除されました/u);
    const events = (await t.auditEvents(owner.customer.id)).map((event) => event.event);
    assert.ok(events.includes("passkey.renamed") && events.includes("passkey.removed"));
    await t.drainOutbox();
    assert.equal(t.smtp.mails.filter((mail) => mail.to === intruder.email && /パスキー/u.test(mail.subject)).length, 0, "the intruder's tries changed and mailed nothing");
  });

  it("malformed answers are [4000] before anything is read or spent: the registration then goes on", async () => {
    const customer = await t.addCustomer();
    const browser = await loggedIn(t, customer);
    const options = await creationOptions(t, customer, browser);
    const good = authenticatorFor(t).register(options);
    const bad: unknown[] = [
      "not an object",
      { ...good, type: "password" },
      { ...good, id: "" },
      { ...good, id: "has spaces and +/=" },
      { ...good, response: { clientDataJSON: good.response.clientDataJSON } },
      { ...good, response: { ...good.response, attestationObject: "x".repeat(20_000) } },
    ];
    for (const response of bad) {
      const refused = await browser.post("/api/v1/passkeys", { json: { name: "iPhone", response } });
      assert.equal(refused.json().error?.code, "4000", JSON.stringify(response).slice(0, 80));
    }
    assert.equal((await browser.put("/api/v1/settings/passkey-required", { json: { enabled: "yes", response: {} } })).json().error.code, "4000");
    assert.equal((await t.client().post("/api/v1/login/passkey", { json: { response: { id: "x" } } })).json().error.code, "4000");
    assert.equal((await browser.post("/api/v1/passkeys", { json: { name: "iPhone", response: good } })).statusCode, 200, "the challenge was not spent");
  });

  it("every passkey route needs a live session ([4010])", async () => {
    const anonymous = t.client();
    for (const [method, url] of [
      ["POST", "/api/v1/passkeys/code"],
      ["POST", "/api/v1/passkeys/registration/options"],
      ["GET", "/api/v1/passkeys"],
      ["DELETE", "/api/v1/passkeys/abc"],
      ["POST", "/api/v1/settings/passkey-required/options"],
    ] as const) {
      const response = await anonymous.request(method, url, method === "GET" || method === "DELETE" ? {} : { json: { code: "123456" } });
      assert.equal(response.json().error?.code, "4010", `${method} ${url}`);
    }
  });
});

describe("WEBAUTHN_EXTRA_ORIGINS: the smartphone app's origin is accepted besides PUBLIC_URL, never the request's Origin header", () => {
  it("an answer from the configured extra origin registers; one from an origin only the request names is refused", async (context) => {
    const t = await startTestService(context, { env: { WEBAUTHN_EXTRA_ORIGINS: "https://app.okb-sec.example" } });
    const customer = await t.addCustomer();
    const browser = await loggedIn(t, customer);
    const app = new SoftAuthenticator({ origin: "https://app.okb-sec.example" });
    const fromApp = await browser.post("/api/v1/passkeys", { json: { name: "アプリ", response: app.register(await creationOptions(t, customer, browser)) } });
    assert.equal(fromApp.statusCode, 200, fromApp.body);
    const elsewhere = new SoftAuthenticator({ origin: "https://evil.example" });
    const options = await creationOptions(t, customer, browser);
    const refused = await browser.post("/api/v1/passkeys", { json: { name: "偽物", response: elsewhere.register(options) }, headers: { origin: "https://evil.example" } });
    assert.notEqual(refused.statusCode, 200);
    assert.equal((await browser.get("/api/v1/passkeys")).json().items.length, 1);
  });
});
