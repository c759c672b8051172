import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { sharedTestService } from "../support/test-service.ts";
import type { WebClient } from "../support/web-client.ts";
import { nextCodeMail, pageLogin, visibleText } from "../support/page-login.ts";

const BIRTH_DATE = "1980-01-31";
const NEW_PASSWORD = "a brand new passphrase";
const OPERATOR_REASON = "ご本人から電話でご依頼（登録住所で本人確認済み）";
const NOTE = /<p class="notice" role="status" id="session-note">([^<]*)<\/p>/u;

/**
 * Issue 21 item 3: a session that ended says why. The next member page (or API call) of the
 * browser whose session ended lands on the login page with one sentence saying which ending it
 * was, and the API adds the same as a word in `error.reason` ([4010], message unchanged).
 */
describe("a session that ended says why: the login page's sentence and the API's reason", () => {
  const t = sharedTestService({ env: { LOCKOUT_THRESHOLD: "3", RATE_LIMIT_CODE_MAILS_PER_CUSTOMER: "100/60", RATE_LIMIT_CODE_PER_CUSTOMER: "100/60" } });


  /** [4010] of the API for `browser`, unchanged but for the reason; the reason (undefined when none). */
  async function apiReason(browser: WebClient): Promise<string | undefined> {
    const response = await browser.get("/api/v1/session");
    assert.equal(response.statusCode, 401);
    const { error } = response.json() as { error: { code: string; message: string; reason?: string } };
    assert.equal(error.code, "4010");
    assert.equal(error.message, "ログインしてください。");
    return error.reason;
  }

  /** A member page sends `browser` to /login; the login page's sentence (null when none). */
  async function noteAfter(browser: WebClient, lang: "ja" | "en" = "ja"): Promise<string | null> {
    const member = await browser.get(lang === "en" ? "/history?lang=en" : "/history");
    assert.equal(member.statusCode, 303);
    assert.equal(member.headers.location, lang === "en" ? "/login?lang=en" : "/login");
    assert.equal(browser.cookies.has("__Host-okb_session"), false, "the stale session cookie is cleared");
    const login = await browser.get(String(member.headers.location));
    assert.equal(login.statusCode, 200);
    const notes = [...login.body.matchAll(new RegExp(NOTE.source, "gu"))];
    assert.ok(notes.length <= 1, "one sentence at most");
    return notes[0] === undefined ? null : visibleText(notes[0][1] ?? "");
  }

  /** `browser`'s session ended for `reason`: the API says so in `error.reason`, and the login page in `sentence`. */
  async function expectEnded(browser: WebClient, reason: string, sentence: string, lang: "ja" | "en" = "ja"): Promise<void> {
    assert.equal(await apiReason(browser), reason);
    assert.equal(await noteAfter(browser, lang), sentence);
  }

  it("no session at all: a member page asks to log in first; the API has no reason; /login opened directly says nothing", async () => {
    const stranger = t.client();
    assert.equal(await apiReason(stranger), undefined);
    assert.equal(await noteAfter(stranger), "この画面をご覧になるには、ログインしてください。");
    assert.equal(await noteAfter(t.client(), "en"), "Please log in to see this page.");
    assert.doesNotMatch((await t.client().get("/login")).body, /id="session-note"/u);
  });

  it("ended from another device (ご利用中の端末: one session, or all others)", async () => {
    const customer = await t.addCustomer();
    const phone = await pageLogin(t, customer);
    const tablet = await pageLogin(t, customer);
    const pc = await pageLogin(t, customer);
    assert.equal((await pc.post("/sessions/end-others", { form: {} })).statusCode, 303);
    await expectEnded(phone, "ended_by_customer", "別の端末からログアウトされました。");
    assert.equal(await noteAfter(tablet, "en"), "You were logged out from another device.");

    const again = await pageLogin(t, customer);
    const ids = ((await pc.get("/api/v1/sessions")).json() as { items: Array<{ id: string; current: boolean }> }).items;
    const other = ids.find((item) => !item.current);
    assert.ok(other !== undefined);
    await pc.post("/sessions/end", { form: { id: other.id } });
    assert.equal(await noteAfter(again), "別の端末からログアウトされました。");
  });

  it("ended by the call center (console: end sessions)", async () => {
    const customer = await t.addCustomer();
    const browser = await pageLogin(t, customer);
    const { client } = await t.consoleClient({ role: "agent" });
    const ended = await client.post(`/console/api/v1/customers/${customer.loginId}/end-sessions`, { json: { reason: OPERATOR_REASON } });
    assert.deepEqual(ended.json(), { status: "ok", ended: 1 });
    await expectEnded(browser, "ended_by_operator", "コールセンターの操作によりログアウトしました。");
  });

  it("ended by a lock (wrong passwords elsewhere)", async () => {
    const customer = await t.addCustomer();
    const browser = await pageLogin(t, customer);
    for (let attempt = 0; attempt < 3; attempt += 1) {
      await t.client().post("/login", { form: { loginId: customer.loginId, password: "not the password" } });
    }
    await expectEnded(browser, "account_locked", "口座がロックされたため、ログアウトしました。");
  });

  it("ended by the customer's freeze on another device", async () => {
    const customer = await t.addCustomer();
    const phone = await pageLogin(t, customer);
    const pc = await pageLogin(t, customer);
    assert.equal((await pc.post("/freeze", { form: { password: customer.password } })).statusCode, 303);
    await expectEnded(phone, "account_frozen", "お客さまのお申し出により口座を凍結したため、ログアウトしました。");
  });

  it("ended by a password change on another device, and by a password reset", async () => {
    const customer = await t.addCustomer({ birthDate: BIRTH_DATE });
    const phone = await pageLogin(t, customer);
    const pc = await pageLogin(t, customer);
    const n = nextCodeMail(t, customer);
    await pc.post("/password/code", { form: {} });
    const code = await t.codeFor(customer.email, n);
    assert.equal((await pc.post("/password", { form: { currentPassword: customer.password, newPassword: NEW_PASSWORD, newPasswordConfirm: NEW_PASSWORD, code } })).statusCode, 303);
    await expectEnded(phone, "password_changed", "パスワードが変更されたため、すべての端末からログアウトしました。");

    const changed = { ...customer, password: NEW_PASSWORD };
    const tablet = await pageLogin(t, changed);
    const forgot = t.client();
    const m = nextCodeMail(t, customer);
    await forgot.post("/api/v1/password-reset", { json: { loginId: customer.loginId, birthDate: BIRTH_DATE } });
    await t.drainOutbox();
    const resetCode = await t.codeFor(customer.email, m);
    assert.equal((await forgot.post("/api/v1/password-reset/complete", { json: { code: resetCode, newPassword: "yet another passphrase" } })).statusCode, 200);
    await expectEnded(tablet, "password_changed", "You were logged out on every device because your password was changed.", "en");
  });

  it("ended by a new 重要メール (a security request that took effect)", async () => {
    const customer = await t.addCustomer();
    const browser = await pageLogin(t, customer);
    const agent = await t.consoleClient({ role: "agent" });
    const supervisor = await t.consoleClient({ role: "supervisor" });
    const email = `new-${customer.loginId}@example.co.jp`;
    await agent.client.post(`/console/api/v1/customers/${customer.loginId}/email-verification`, { json: { email } });
    const verification = /確認コード: (\d{6})/u.exec((await t.mailTo(email, 1)).text)?.[1] ?? "";
    const requested = await agent.client.post(`/console/api/v1/customers/${customer.loginId}/email-change-requests`, { json: { email, code: verification, reason: OPERATOR_REASON } });
    const requestId = String((requested.json() as { requestId: string }).requestId);
    assert.equal((await supervisor.client.post(`/console/api/v1/security-requests/${requestId}/approve`, { json: { reason: "通話記録を確認" } })).statusCode, 200);
    await expectEnded(browser, "email_changed", "重要メールのメールアドレスが変更されたため、すべての端末からログアウトしました。");
  });

  it("ended by the idle timeout (30 minutes without a request) and by the 12-hour limit", async () => {
    const customer = await t.addCustomer();
    const idle = await pageLogin(t, customer);
    const busy = await pageLogin(t, customer);
    await t.drainOutbox();
    t.clock.advance(t.config.session.idleSeconds * 1000);
    await expectEnded(idle, "idle_timeout", "一定時間操作がなかったため、安全のためログアウトしました。");
    // A session in use ends 12 hours after its login all the same.
    const started = await pageLogin(t, customer);
    for (let elapsed = 0; elapsed < t.config.session.absoluteSeconds * 1000; elapsed += 20 * 60_000) {
      assert.equal((await started.get("/")).statusCode, 200);
      t.clock.advance(20 * 60_000);
    }
    await expectEnded(started, "absolute_timeout", "ログインから一定の時間が経過したため、安全のためログアウトしました。");
    assert.equal(await noteAfter(busy, "en"), "For your security, you were logged out because there was no activity for a while.");
  });

  it("a copy of the cookie after logout says so; the sentence shows once, and a made-up word shows nothing", async () => {
    const customer = await t.addCustomer();
    const browser = await pageLogin(t, customer);
    const copy = t.client();
    copy.cookies.set("__Host-okb_session", browser.cookies.get("__Host-okb_session") ?? "");
    await browser.post("/logout", { form: {} });
    await expectEnded(copy, "logged_out", "ログアウトしました。ご利用ありがとうございました。");
    assert.doesNotMatch((await copy.get("/login")).body, /id="session-note"/u, "shown once");

    const forged = t.client();
    for (const word of ["<b>hello</b>", "account_locked\u0020", "constructor", "toString"]) {
      forged.cookies.set("__Host-okb_ended", encodeURIComponent(word));
      const login = await forged.get("/login");
      assert.equal(login.statusCode, 200);
      assert.doesNotMatch(login.body, /id="session-note"/u, word);
    }
  });
});
