import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { sharedTestService } from "../support/test-service.ts";
import type { TestCustomer } from "../support/test-service.ts";
import type { WebClient } from "../support/web-client.ts";

const PHONE_UA = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1";
const RESTART_LINK = /<a href="\/login\?again=1" class="button" id="restart-login">もう一度ログインする<\/a>/;
const ENTER_NEWEST = /最新のメールに記載された認証コードを入力してください/;

/**
 * Issue 21, item 1: the customer starts a login on the PC, then on the phone. The phone's
 * login supersedes the PC's code, and the PC's code screen said "enter the code from the
 * latest mail" with no field to enter it in (the newest code belongs to the phone's
 * browser). The screen now always offers a way on in one click: the code field while a
 * code of this browser is pending, otherwise 「もう一度ログインする」, which brings back the
 * login form with the login ID filled in: /login?again=1 reads it from the server's record
 * of this browser's pre-auth state (its HttpOnly cookie), so the ID is never in a URL.
 */
describe("the code screen after a newer login elsewhere: 「もう一度ログインする」 with the ID filled in", () => {
  const t = sharedTestService();

  async function passwordStep(customer: TestCustomer, browser: WebClient): Promise<void> {
    const response = await browser.post("/login", { form: { loginId: customer.loginId, password: customer.password } });
    assert.equal(response.statusCode, 303);
    assert.equal(response.headers.location?.startsWith("/login/mfa"), true);
  }

  /**
   * The PC, then the phone, pass the password step; the PC's code is superseded. Each code mail
   * is awaited before the next login, so the n-th mail caught is the n-th sent.
   */
  async function pcThenPhone(customer: TestCustomer): Promise<{ pc: WebClient; phone: WebClient; pcCode: string; phoneCode: string }> {
    const pc = t.client();
    await passwordStep(customer, pc);
    const pcCode = await t.codeFor(customer.email, 1);
    // The mail handed to SMTP is marked sent before the test clock jumps (else its claim looks expired and it goes again).
    await t.drainOutbox();
    t.clock.advance(60_000);
    const phone = t.client({ userAgent: PHONE_UA, ip: "198.51.100.20" });
    await passwordStep(customer, phone);
    return { pc, phone, pcCode, phoneCode: await t.codeFor(customer.email, 2) };
  }

  it("shows the PC's reloaded code screen with what happened and 「もう一度ログインする」, no code field", async () => {
    const customer = await t.addCustomer();
    const { pc } = await pcThenPhone(customer);
    const page = await pc.get("/login/mfa");
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<h1>ログイン時多要素認証 入力<\/h1>/);
    assert.match(page.body, /新しい認証コードが送信されたため、この画面の認証コードはご利用いただけなくなりました。別の画面や別の端末でログインの操作が行われた場合などに、このようになります。/);
    assert.doesNotMatch(page.body, /name="code"/, "no field for a code this browser cannot use");
    assert.doesNotMatch(page.body, ENTER_NEWEST);
    assert.match(page.body, RESTART_LINK);
    assert.doesNotMatch(page.body, new RegExp(customer.loginId), "the login ID is not in the page");
  });

  it("brings back the login form with the login ID filled in, in one click", async () => {
    const customer = await t.addCustomer();
    const { pc } = await pcThenPhone(customer);
    await pc.get("/login/mfa");
    const restarted = await pc.get("/login?again=1");
    assert.equal(restarted.statusCode, 200);
    assert.match(restarted.body, /<h1>ログイン<\/h1>/);
    assert.match(restarted.body, new RegExp(`id="loginId"[^>]* value="${customer.loginId}"`));
    assert.match(restarted.body, /id="password"[^>]* autofocus/, "the password field is next");
    assert.equal(restarted.headers["cache-control"], "no-store");
    // The login from there mails a new code to the PC, which then works.
    await passwordStep(customer, pc);
    const code = await t.codeFor(customer.email, 3);
    assert.equal((await pc.post("/login/mfa", { form: { code } })).statusCode, 303);
  });

  it("says it in English too", async () => {
    const customer = await t.addCustomer();
    const { pc } = await pcThenPhone(customer);
    const page = await pc.get("/login/mfa?lang=en");
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /A new code has been sent, so the code for this screen can no longer be used\. This happens, for example, when a login is started on another screen or device\./);
    assert.match(page.body, /<a href="\/login\?lang=en&amp;again=1" class="button" id="restart-login">Log in again<\/a>/);
    const restarted = await pc.get("/login?lang=en&again=1");
    assert.match(restarted.body, /<h1>Log in<\/h1>/);
    assert.match(restarted.body, new RegExp(`value="${customer.loginId}"`));
  });

  it("answers the PC's typed code with [5121], says to log in again (not to enter the newest code) and offers the button", async () => {
    const customer = await t.addCustomer();
    const { pc, pcCode } = await pcThenPhone(customer);
    const response = await pc.post("/login/mfa", { form: { code: pcCode } });
    assert.equal(response.statusCode, 401);
    assert.match(response.body, /\[5121\] 認証コードが不正です。/);
    assert.match(response.body, /新しい認証コードが送信されています。別の画面や別の端末でログインの操作が行われた場合などは、この画面ではログインを続けられません。お手数ですが、もう一度ログインしてください。/);
    assert.doesNotMatch(response.body, ENTER_NEWEST);
    assert.doesNotMatch(response.body, /name="code"/);
    assert.match(response.body, RESTART_LINK);
    const restarted = await pc.get("/login?again=1");
    assert.match(restarted.body, new RegExp(`value="${customer.loginId}"`), "the refusal left the pre-auth cookie for the restart");
  });

  it("still takes the phone's code on the phone", async () => {
    const customer = await t.addCustomer();
    const { pc, phone, phoneCode } = await pcThenPhone(customer);
    await pc.get("/login/mfa");
    assert.equal((await phone.post("/login/mfa", { form: { code: phoneCode } })).statusCode, 303);
  });

  it("offers the same button after too many wrong codes and after the code expired", async () => {
    const burned = await t.addCustomer();
    const browser = t.client();
    await passwordStep(burned, browser);
    const code = await t.codeFor(burned.email, 1);
    for (let n = 1; n <= 5; n += 1) {
      await browser.post("/login/mfa", { form: { code: code === "000000" ? "111111" : "000000" } });
    }
    const afterBurn = await browser.get("/login/mfa");
    assert.equal(afterBurn.statusCode, 200);
    assert.match(afterBurn.body, /認証コードの入力誤りが上限に達したため、この認証コードはご利用いただけません。/);
    assert.match(afterBurn.body, RESTART_LINK);

    const late = await t.addCustomer();
    const slow = t.client();
    await passwordStep(late, slow);
    await t.drainOutbox();
    t.clock.advance(t.config.codeTtlSeconds * 1000);
    const afterExpiry = await slow.get("/login/mfa");
    assert.equal(afterExpiry.statusCode, 200);
    assert.match(afterExpiry.body, /認証コードの有効期限が切れました。/);
    assert.doesNotMatch(afterExpiry.body, /name="code"/);
    assert.match(afterExpiry.body, RESTART_LINK);
    const restarted = await slow.get("/login?again=1");
    assert.match(restarted.body, new RegExp(`value="${late.loginId}"`), "still filled in within the pre-auth cookie's life");
  });

  it("fills in nothing without a pre-auth cookie, or once the cookie's life is over", async () => {
    const stranger = t.client();
    const bare = await stranger.get("/login?again=1");
    assert.equal(bare.statusCode, 200);
    assert.match(bare.body, /id="loginId"[^>]* value=""/);

    const customer = await t.addCustomer();
    const browser = t.client();
    await passwordStep(customer, browser);
    // A copied pre-auth token is worth nothing after the cookie's own life (code + 30 minutes).
    await t.drainOutbox();
    t.clock.advance((t.config.codeTtlSeconds + 30 * 60) * 1000);
    const stale = await browser.get("/login?again=1");
    assert.doesNotMatch(stale.body, new RegExp(customer.loginId));
  });

  it("fills in the ID only when asked (?again=1): a plain /login stays empty", async () => {
    const customer = await t.addCustomer();
    const { pc } = await pcThenPhone(customer);
    const plain = await pc.get("/login");
    assert.match(plain.body, /id="loginId"[^>]* value=""/);
    assert.doesNotMatch(plain.body, /autofocus/);
  });
});
