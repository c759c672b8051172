import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";
import { sharedTestService } from "../support/test-service.ts";
import type { TestCustomer } from "../support/test-service.ts";
import type { WebClient } from "../support/web-client.ts";
import { authenticatorFor, loggedIn, passkeyLogin, registerPasskey } from "../support/passkeys.ts";
import type { SoftAuthenticator } from "../support/soft-authenticator.ts";
import { visibleText } from "../support/page-login.ts";

const REQUIRED_ON = "【OKB証券】パスキー必須の設定のお知らせ";
const REQUIRED_OFF = "【OKB証券】パスキー必須の解除のお知らせ";
const MESSAGE_5104 = "この口座はパスキーでのログインが必須に設定されています。パスキーでログインするか、コールセンター（0120-483744）までご連絡ください。";
const REASON = "端末紛失のお電話（生年月日で本人確認済み）";

describe("パスキー必須 (issue 13 §3): on and off with a passkey assertion; then the password step answers [5104]", () => {
  const t = sharedTestService({ env: { RATE_LIMIT_CODE_MAILS_PER_CUSTOMER: "100/60" } });

  async function withPasskey(): Promise<{ customer: TestCustomer; browser: WebClient; authenticator: SoftAuthenticator; passkeyId: string }> {
    const customer = await t.addCustomer();
    const browser = await loggedIn(t, customer);
    const authenticator = authenticatorFor(t);
    const passkeyId = await registerPasskey(t, customer, browser, authenticator);
    return { customer, browser, authenticator, passkeyId };
  }

  async function requiredOptions(browser: WebClient): Promise<PublicKeyCredentialRequestOptionsJSON> {
    const response = await browser.post("/api/v1/settings/passkey-required/options", { json: {} });
    assert.equal(response.statusCode, 200, response.body);
    return response.json().options as PublicKeyCredentialRequestOptionsJSON;
  }

  async function setRequired(browser: WebClient, authenticator: SoftAuthenticator, enabled: boolean): Promise<Awaited<ReturnType<WebClient["put"]>>> {
    const options = await requiredOptions(browser);
    return browser.put("/api/v1/settings/passkey-required", { json: { enabled, response: authenticator.assert(options) } });
  }

  it("a customer without a passkey cannot ask: [4000] no_passkey", async () => {
    const customer = await t.addCustomer();
    const browser = await loggedIn(t, customer);
    const response = await browser.post("/api/v1/settings/passkey-required/options", { json: {} });
    assert.equal(response.json().error.code, "4000");
    assert.equal(response.json().error.reason, "no_passkey");
    assert.deepEqual((await browser.get("/api/v1/settings/passkey-required")).json(), { enabled: false });
  });

  it("turned on with an assertion: the password step is [5104] (API and /login page), no code mailed, a passkey still logs in; turned off the same way", async () => {
    const { customer, browser, authenticator } = await withPasskey();
    const options = await requiredOptions(browser);
    assert.deepEqual(
      options.allowCredentials?.map((credential) => credential.id),
      [authenticator.credentials[0]?.id],
      "allowCredentials: the customer's passkeys",
    );
    assert.equal(options.userVerification, "required");
    const on = await browser.put("/api/v1/settings/passkey-required", { json: { enabled: true, response: authenticator.assert(options) } });
    assert.deepEqual(on.json(), { enabled: true });
    assert.deepEqual((await browser.get("/api/v1/settings/passkey-required")).json(), { enabled: true });
    assert.match((await t.mailTo(customer.email, 1, REQUIRED_ON)).text, /パスキーでのみログインできます/u);
    const codeMails = (): number => t.smtp.mails.filter((mail) => mail.to === customer.email && /認証コード/u.test(mail.subject)).length;
    await t.drainOutbox();
    const before = codeMails();
    const api = await t.client().post("/api/v1/login", { json: { loginId: customer.loginId, password: customer.password } });
    assert.equal(api.statusCode, 403);
    assert.deepEqual(api.json().error, { code: "5104", message: MESSAGE_5104 });
    const page = await t.client().post("/login", { form: { loginId: customer.loginId, password: customer.password } });
    assert.ok(visibleText(page.body).includes(`[5104] ${MESSAGE_5104}`), "the login page shows the message");
    assert.match(page.body, /<a class="tel" href="tel:0120483744">0120-483744<\/a>/, "its number a tel: link");
    const wrong = await t.client().post("/api/v1/login", { json: { loginId: customer.loginId, password: "not the password" } });
    assert.equal(wrong.json().error.code, "5101", "a wrong password learns nothing about パスキー必須");
    await t.drainOutbox();
    assert.equal(codeMails(), before, "no code mailed");
    assert.equal((await passkeyLogin(t, authenticator)).response.statusCode, 200, "the passkey still logs in");
    const refusals = (await t.auditEvents(customer.customer.id)).filter((event) => event.event === "login.refused_passkey_required");
    assert.equal(refusals.length, 2);
    const off = await setRequired(browser, authenticator, false);
    assert.deepEqual(off.json(), { enabled: false });
    assert.match((await t.mailTo(customer.email, 1, REQUIRED_OFF)).text, /解除しました/u);
    assert.equal((await t.client().post("/api/v1/login", { json: { loginId: customer.loginId, password: customer.password } })).json().status, "mfa_required");
  });

  it("not without a good assertion: no user verification, another customer's passkey, an assertion over other options: [5161], nothing changed", async () => {
    const { browser, authenticator } = await withPasskey();
    const other = await withPasskey();
    const noUv = await browser.put("/api/v1/settings/passkey-required", { json: { enabled: true, response: authenticator.assert(await requiredOptions(browser), { userVerified: false }) } });
    assert.equal(noUv.json().error.code, "5161");
    const options = await requiredOptions(browser);
    const foreign = await browser.put("/api/v1/settings/passkey-required", { json: { enabled: true, response: other.authenticator.assert({ ...options, allowCredentials: [] }) } });
    assert.equal(foreign.json().error.code, "5161", "another customer's credential");
    const otherOptions = await requiredOptions(other.browser);
    const crossed = await browser.put("/api/v1/settings/passkey-required", { json: { enabled: true, response: authenticator.assert(otherOptions) } });
    assert.equal(crossed.json().error.code, "5161", "a challenge of another session");
    const noOptions = await browser.put("/api/v1/settings/passkey-required", { json: { enabled: true, response: authenticator.assert(options) } });
    assert.equal(noOptions.json().error.code, "5161", "options are single use, even after a refusal");
    assert.deepEqual((await browser.get("/api/v1/settings/passkey-required")).json(), { enabled: false });
    assert.deepEqual((await other.browser.get("/api/v1/settings/passkey-required")).json(), { enabled: false });
  });

  it("the last passkey cannot be removed while required ([4000] last_passkey_required); with a second one it can", async () => {
    const { customer, browser, authenticator, passkeyId } = await withPasskey();
    assert.equal((await setRequired(browser, authenticator, true)).statusCode, 200);
    const refused = await browser.delete(`/api/v1/passkeys/${passkeyId}`);
    assert.equal(refused.json().error.code, "4000");
    assert.equal(refused.json().error.reason, "last_passkey_required");
    assert.match(refused.json().error.message, /最後のパスキーは削除できません/u);
    assert.equal((await browser.get("/api/v1/passkeys")).json().items.length, 1, "nothing removed");
    await registerPasskey(t, customer, browser, authenticatorFor(t), "予備のキー");
    assert.equal((await browser.delete(`/api/v1/passkeys/${passkeyId}`)).statusCode, 200);
    assert.deepEqual((await browser.get("/api/v1/settings/passkey-required")).json(), { enabled: true });
  });

  it("the console shows the passkeys and パスキー必須, and turns it off after an identity check (lost phone): audited with the operator, notice mailed", async () => {
    const { customer, browser, authenticator } = await withPasskey();
    assert.equal((await setRequired(browser, authenticator, true)).statusCode, 200);
    const { client, operatorId } = await t.consoleClient({ role: "agent" });
    const facts = (await client.get(`/console/api/v1/customers/${customer.loginId}`)).json();
    assert.equal(facts.passkeyRequired, true);
    assert.equal(facts.passkeys.length, 1);
    assert.deepEqual(Object.keys(facts.passkeys[0]).sort(), ["backedUp", "createdAt", "lastUsedAt", "name"]);
    assert.equal(facts.passkeys[0].name, "iPhone");
    // Issue 17: a request a supervisor approves (SECURITY_CHANGE_DELAY_HOURS=0 here: effective at approval).
    const direct = await client.post(`/console/api/v1/customers/${customer.loginId}/passkey-required-off`, { json: { reason: REASON, identityChecked: true } });
    assert.equal(direct.json().error.reason, "use_passkey_required_off_request");
    const url = `/console/api/v1/customers/${customer.loginId}/passkey-required-off-requests`;
    const unchecked = await client.post(url, { json: { reason: REASON, identityChecked: false } });
    assert.equal(unchecked.json().error.reason, "identity_not_checked");
    assert.equal((await client.post(url, { json: { reason: "", identityChecked: true } })).json().error.code, "4000");
    assert.equal((await client.post("/console/api/v1/customers/no-such-customer/passkey-required-off-requests", { json: { reason: REASON, identityChecked: true } })).json().error.code, "4040");
    assert.deepEqual((await browser.get("/api/v1/settings/passkey-required")).json(), { enabled: true }, "nothing changed by the refusals");
    const requested = await client.post(url, { json: { reason: REASON, identityChecked: true } });
    assert.equal(requested.statusCode, 200, requested.body);
    assert.deepEqual((await browser.get("/api/v1/settings/passkey-required")).json(), { enabled: true }, "nothing changed by the request alone");
    const supervisor = await t.consoleClient({ role: "supervisor" });
    const done = await supervisor.client.post(`/console/api/v1/security-requests/${requested.json().requestId as string}/approve`, { json: { reason: "確認" } });
    assert.equal(done.json().state, "effective");
    assert.equal((await t.client().post("/api/v1/login", { json: { loginId: customer.loginId, password: customer.password } })).json().status, "mfa_required", "the password works again");
    const notice = await t.mailTo(customer.email, 1, REQUIRED_OFF);
    assert.match(notice.text, /パスキー必須の解除（コールセンター）/u);
    assert.doesNotMatch(notice.text, /端末紛失|https?:/u, "neither the operator's reason nor a link");
    const audited = (await t.auditEvents(customer.customer.id)).filter((event) => event.event === "security_request.requested");
    assert.equal(audited.at(-1)?.actor, operatorId);
    assert.equal(audited.at(-1)?.detail["reason"], REASON);
    assert.equal(audited.at(-1)?.detail["kind"], "passkey_required_off");
    const again = await client.post(url, { json: { reason: REASON, identityChecked: true } });
    assert.equal(again.json().error.reason, "passkey_not_required");
    assert.equal((await client.get(`/console/api/v1/customers/${customer.loginId}`)).json().passkeyRequired, false);
  });

  it("the console page lists the passkeys and パスキー必須, and its form turns パスキー必須 off (identity checked)", async () => {
    const { customer, browser, authenticator } = await withPasskey();
    assert.equal((await setRequired(browser, authenticator, true)).statusCode, 200);
    const { client, operatorId } = await t.consoleClient({ role: "agent" });
    const page = await client.get(`/console/customers/${customer.loginId}`);
    assert.match(page.body, /id="passkeys-table"[^]*<td>iPhone<\/td>/u, "the customer's passkey by its name");
    assert.match(page.body, /id="status-passkey-required"[^]*設定中（パスワードでのログイン不可）/u);
    const unchecked = await client.post(`/console/customers/${customer.loginId}/passkey-required-off-requests`, { form: { reason: REASON } });
    assert.equal(unchecked.statusCode, 400);
    assert.match(unchecked.body, /ご本人確認が済んでいません/u);
    const done = await client.post(`/console/customers/${customer.loginId}/passkey-required-off-requests`, { form: { reason: REASON, identityChecked: "on" } });
    assert.equal(done.statusCode, 303);
    assert.equal(done.headers.location, `/console/customers/${customer.loginId}?done=passkey-required-off-requested`);
    assert.match((await client.get(done.headers.location as string)).body, /パスキー必須の解除を申請しました。/u);
    assert.deepEqual((await browser.get("/api/v1/settings/passkey-required")).json(), { enabled: true }, "a request only");
    const event = (await t.auditEvents(customer.customer.id)).filter((item) => item.event === "security_request.requested").at(-1);
    assert.equal(event?.actor, operatorId);
    // A supervisor approves on the security-requests page (issue 17).
    const supervisor = await t.consoleClient({ role: "supervisor" });
    const list = await supervisor.client.get("/console/security-requests");
    assert.match(list.body, /パスキー必須の解除/u);
    const approved = await supervisor.client.post(`/console/security-requests/${event?.detail["requestId"] as string}/approve`, { form: { reason: "確認" } });
    assert.equal(approved.statusCode, 303);
    assert.match((await supervisor.client.get(approved.headers.location as string)).body, /申請を承認し、反映しました。/u);
    assert.deepEqual((await browser.get("/api/v1/settings/passkey-required")).json(), { enabled: false });
  });
});
