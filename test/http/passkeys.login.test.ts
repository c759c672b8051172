import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { sharedTestService, startTestService } from "../support/test-service.ts";
import { authenticatorFor, loggedIn, passkeyLogin, registerPasskey } from "../support/passkeys.ts";
import type { SoftAuthenticator } from "../support/soft-authenticator.ts";

const LOGIN_NOTICE = /ログインのお知らせ/u;
const COUNTER_WARNING = "【OKB証券】パスキーのご利用に関するご注意";

describe("passkey login (issue 13 §2): discoverable, user verification required, a complete login on its own", () => {
  const t = sharedTestService({ env: { RATE_LIMIT_CODE_MAILS_PER_CUSTOMER: "100/60" } });

  async function customerWithPasskey(options: { synced?: boolean } = {}): Promise<{ customer: Awaited<ReturnType<typeof t.addCustomer>>; authenticator: SoftAuthenticator }> {
    const customer = await t.addCustomer();
    const authenticator = authenticatorFor(t, options);
    await registerPasskey(t, customer, await loggedIn(t, customer), authenticator);
    return { customer, authenticator };
  }

  it("logs in with no code mail: session with hwk/user/mfa, the login notice, ログイン履歴 'passkey', the passkey's last use", async () => {
    const { customer, authenticator } = await customerWithPasskey();
    const codeMailsBefore = t.smtp.mails.filter((mail) => mail.to === customer.email && /認証コード/u.test(mail.subject)).length;
    // A second later than the registration's password login, so ログイン履歴 lists it first.
    t.clock.advance(1000);
    const { browser, response, options } = await passkeyLogin(t, authenticator);
    assert.equal(options.allowCredentials, undefined, "discoverable: the passkey names the customer");
    assert.equal(options.userVerification, "required");
    assert.equal(options.rpId, "localhost");
    assert.equal(response.statusCode, 200, response.body);
    assert.deepEqual(response.json(), { status: "ok" });
    const session = (await browser.get("/api/v1/session")).json();
    assert.equal(session.loginId, customer.loginId);
    assert.deepEqual(session.authMethods, ["hwk", "user", "mfa"]);
    await t.drainOutbox();
    assert.equal(t.smtp.mails.filter((mail) => mail.to === customer.email && /認証コード/u.test(mail.subject)).length, codeMailsBefore, "no code mail");
    assert.ok(t.smtp.mails.some((mail) => mail.to === customer.email && LOGIN_NOTICE.test(mail.subject)), "the login notice");
    const history = (await browser.get("/api/v1/login-history")).json();
    assert.deepEqual({ method: history.items[0].method, outcome: history.items[0].outcome }, { method: "passkey", outcome: "success" });
    const passkeys = (await browser.get("/api/v1/passkeys")).json();
    assert.notEqual(passkeys.items[0].lastUsedAt, null);
  });

  it("refused assertions are [5161] with no session: no user verification, another origin, another RP ID, a replayed challenge, no options cookie, an unknown credential", async () => {
    const { customer, authenticator } = await customerWithPasskey();
    const noUv = await passkeyLogin(t, authenticator, { userVerified: false });
    const otherOrigin = await passkeyLogin(t, authenticator, { origin: "https://okb-sec.example.net" });
    const otherRp = await passkeyLogin(t, authenticator, { rpId: "okb-sec.example.net" });
    for (const [what, attempt] of [["no UV", noUv], ["another origin", otherOrigin], ["another RP ID", otherRp]] as const) {
      assert.equal(attempt.response.statusCode, 401, what);
      assert.equal(attempt.response.json().error.code, "5161", what);
      assert.equal((await attempt.browser.get("/api/v1/session")).statusCode, 401, `${what}: no session`);
    }
    const good = await passkeyLogin(t, authenticator);
    assert.equal(good.response.statusCode, 200);
    const replayer = t.client();
    await replayer.post("/api/v1/login/passkey/options", { json: {} });
    const replayed = await replayer.post("/api/v1/login/passkey", { json: { response: authenticator.assert(good.options) } });
    assert.equal(replayed.json().error.code, "5161", "a used challenge (here: another browser's) does not verify");
    const again = await good.browser.post("/api/v1/login/passkey", { json: { response: authenticator.assert(good.options) } });
    assert.equal(again.json().error.code, "5161", "the same browser's challenge is single use");
    const noCookie = await t.client().post("/api/v1/login/passkey", { json: { response: authenticator.assert(good.options) } });
    assert.equal(noCookie.json().error.code, "5161");
    const stranger = authenticatorFor(t);
    stranger.register({ ...good.options, rp: { id: "localhost", name: "x" }, user: { id: "dXNlcg", name: "u", displayName: "u" }, pubKeyCredParams: [] } as never);
    assert.equal((await passkeyLogin(t, stranger)).response.json().error.code, "5161", "a credential nobody registered");
    const reasons = (await t.auditEvents(customer.customer.id)).filter((event) => event.event === "passkey.failed").map((event) => event.detail["reason"]);
    assert.deepEqual(reasons.slice(0, 3), ["no_user_verification", "wrong_origin", "wrong_rp_id"]);
    const history = (await good.browser.get("/api/v1/login-history?limit=10")).json();
    assert.ok(
      history.items.some((item: { method: string; outcome: string }) => item.method === "passkey" && item.outcome === "passkey_refused"),
      "refused passkey logins are in ログイン履歴",
    );
  });

  it("the challenge lives 5 minutes", async () => {
    const { authenticator } = await customerWithPasskey();
    const browser = t.client();
    const options = (await browser.post("/api/v1/login/passkey/options", { json: {} })).json().options;
    t.clock.advance(5 * 60 * 1000);
    const late = await browser.post("/api/v1/login/passkey", { json: { response: authenticator.assert(options) } });
    assert.equal(late.json().error.code, "5161");
    assert.equal((await passkeyLogin(t, authenticator, {}, browser)).response.statusCode, 200, "new options, a new 5 minutes");
  });

  it("the same lockout and freeze as any login: locked [5102], frozen [5103], no session", async () => {
    const locked = await customerWithPasskey();
    for (let failure = 0; failure < t.config.lockoutThreshold; failure += 1) {
      await t.client().post("/api/v1/login", { json: { loginId: locked.customer.loginId, password: "wrong password!" } });
    }
    const lockedTry = await passkeyLogin(t, locked.authenticator);
    assert.equal(lockedTry.response.statusCode, 423);
    assert.equal(lockedTry.response.json().error.code, "5102");
    assert.equal((await lockedTry.browser.get("/api/v1/session")).statusCode, 401);
    const frozen = await customerWithPasskey();
    const session = await loggedIn(t, frozen.customer);
    assert.equal((await session.post("/api/v1/account/freeze", { json: { password: frozen.customer.password } })).statusCode, 200);
    const frozenTry = await passkeyLogin(t, frozen.authenticator);
    assert.equal(frozenTry.response.json().error.code, "5103");
    const refused = (await t.auditEvents(frozen.customer.customer.id)).filter((event) => event.event === "login.refused_frozen");
    assert.equal(refused.at(-1)?.detail["step"], "passkey");
  });

  it("a synced passkey's counter of 0 is fine; a counter going backwards from non-zero is audited and warned by mail, not refused", async () => {
    const synced = await customerWithPasskey({ synced: true });
    assert.equal((await passkeyLogin(t, synced.authenticator)).response.statusCode, 200);
    assert.equal((await passkeyLogin(t, synced.authenticator)).response.statusCode, 200);
    assert.equal((await t.auditEvents(synced.customer.customer.id)).filter((event) => event.event === "passkey.counter_not_increased").length, 0);
    const counting = await customerWithPasskey({ synced: false });
    assert.equal((await passkeyLogin(t, counting.authenticator)).response.statusCode, 200, "counter 2 after 1");
    const cloned = await passkeyLogin(t, counting.authenticator, { counter: 1 });
    assert.equal(cloned.response.statusCode, 200, "warned, not refused");
    const warnings = (await t.auditEvents(counting.customer.customer.id)).filter((event) => event.event === "passkey.counter_not_increased");
    assert.equal(warnings.length, 1);
    assert.deepEqual({ stored: warnings[0]?.detail["storedCounter"], seen: warnings[0]?.detail["seenCounter"] }, { stored: 2, seen: 1 });
    const mail = await t.mailTo(counting.customer.email, 1, COUNTER_WARNING);
    assert.match(mail.text, /複製されている可能性/u);
    assert.doesNotMatch(mail.text, /https?:|iPhone/u);
    assert.equal((await passkeyLogin(t, counting.authenticator)).response.statusCode, 200, "the real authenticator goes on (counter 3)");
    assert.equal((await t.auditEvents(counting.customer.customer.id)).filter((event) => event.event === "passkey.counter_not_increased").length, 1);
  });

  it("the password and the code stay available beside the passkey", async () => {
    const { customer } = await customerWithPasskey();
    const browser = await loggedIn(t, customer);
    assert.deepEqual((await browser.get("/api/v1/session")).json().authMethods, ["pwd", "otp", "mfa"]);
  });
});

describe("passkey login is rate limited like any login", () => {
  it("RATE_LIMIT_PASSKEY_PER_IP: options and answers from one address beyond the limit are [5124] with Retry-After", async (context) => {
    const t = await startTestService(context, { env: { RATE_LIMIT_PASSKEY_PER_IP: "3/60" } });
    const browser = t.client();
    for (let request = 0; request < 3; request += 1) {
      assert.equal((await browser.post("/api/v1/login/passkey/options", { json: {} })).statusCode, 200);
    }
    const limited = await browser.post("/api/v1/login/passkey/options", { json: {} });
    assert.equal(limited.statusCode, 429);
    assert.equal(limited.json().error.code, "5124");
    assert.ok(Number(limited.headers["retry-after"]) > 0);
    assert.equal((await t.client({ ip: "198.51.100.99" }).post("/api/v1/login/passkey/options", { json: {} })).statusCode, 200, "another address is not limited");
  });
});
