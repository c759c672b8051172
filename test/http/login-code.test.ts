import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { sharedTestService, startTestService } from "../support/test-service.ts";
import type { TestCustomer } from "../support/test-service.ts";
import type { WebClient } from "../support/web-client.ts";
import { fullWidth, wrongCodeFor } from "../support/codes.ts";

const TEN_MINUTES_MS = 10 * 60 * 1000;

describe("code step (GET/POST /login/mfa)", () => {
  const t = sharedTestService();

  /** Password step in a fresh browser; returns the browser and the nth code mailed. */
  async function passwordStep(customer: TestCustomer, n = 1, browser: WebClient = t.client()): Promise<{ browser: WebClient; code: string }> {
    const response = await browser.post("/login", { form: { loginId: customer.loginId, password: customer.password } });
    assert.equal(response.statusCode, 303);
    return { browser, code: await t.codeFor(customer.email, n) };
  }

  it("shows ログイン時多要素認証 入力 with the masked address, send time and expiry in Japan time", async () => {
    const customer = await t.addCustomer({ email: "taro.yamada@example.co.jp" });
    const { browser } = await passwordStep(customer);
    const page = await browser.get("/login/mfa");
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<h1>ログイン時多要素認証 入力<\/h1>/);
    assert.match(page.body, /t\*\*\*@example\.co\.jp/);
    assert.doesNotMatch(page.body, /taro\.yamada/);
    // The test clock stands at 2026-11-25 00:30:00 UTC = 09:30:00 in Tokyo.
    assert.match(page.body, /id="sent-at">2026\/11\/25 09:30:00</);
    assert.match(page.body, /id="expires-at">2026\/11\/25 09:40:00</);
    assert.match(page.body, /autocomplete="one-time-code"/);
    assert.match(page.body, /inputmode="numeric"/);
    assert.equal(page.headers["cache-control"], "no-store");
  });

  it("sends a browser without a pending code back to /login", async () => {
    const response = await t.client().get("/login/mfa");
    assert.equal(response.statusCode, 303);
    assert.equal(response.headers.location, "/login");
  });

  it("logs in with the right code: new session cookie, redirect to マイページ showing the name", async () => {
    const customer = await t.addCustomer({ name: "鈴木 花子" });
    const { browser, code } = await passwordStep(customer);
    const response = await browser.post("/login/mfa", { form: { code } });
    assert.equal(response.statusCode, 303);
    assert.equal(response.headers.location, "/");
    const cookie = response.cookies.find((c) => c.name === "__Host-okb_session");
    assert.ok(cookie);
    assert.equal(cookie.secure, true);
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, "Lax");
    assert.equal(cookie.path, "/");
    assert.equal(Buffer.from(cookie.value, "base64url").length, 32, "256-bit token");
    assert.equal(browser.cookies.has("__Host-okb_preauth"), false, "pre-auth cookie cleared");
    const myPage = await browser.get("/");
    assert.equal(myPage.statusCode, 200);
    assert.match(myPage.body, /鈴木 花子 様/);
  });

  it("shows the previous login's time, IP and device on マイページ", async () => {
    const customer = await t.addCustomer();
    const first = await passwordStep(customer, 1, t.client({ ip: "198.51.100.7", userAgent: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1" }));
    await first.browser.post("/login/mfa", { form: { code: first.code } });
    const firstPage = await first.browser.get("/");
    assert.match(firstPage.body, /今回が初めてのログインです。/);
    t.clock.advance(60 * 60 * 1000);
    const second = await passwordStep(customer, 2);
    await second.browser.post("/login/mfa", { form: { code: second.code } });
    const page = await second.browser.get("/");
    assert.match(page.body, /id="previous-login-time">2026\/11\/25 09:30:00</);
    assert.match(page.body, /id="previous-login-ip">198\.51\.100\.7</);
    assert.match(page.body, /id="previous-login-device">Safari 17 \/ iOS 17/);
  });

  it("accepts full-width digits, spaces of every width, hyphens and newlines (seed Q4)", async () => {
    for (const shape of [
      (code: string) => `${fullWidth(code.slice(0, 3))} ${fullWidth(code.slice(3))}`,
      (code: string) => `${code.slice(0, 3)}\u3000${code.slice(3)}`,
      (code: string) => ` ${code.slice(0, 2)}-${code.slice(2, 4)}－${code.slice(4)}\r\n`,
      (code: string) => code.split("").join(" "),
    ]) {
      const customer = await t.addCustomer();
      const { browser, code } = await passwordStep(customer);
      const response = await browser.post("/login/mfa", { form: { code: shape(code) } });
      assert.equal(response.statusCode, 303, `"${shape(code)}" should be accepted`);
      assert.equal(response.headers.location, "/");
    }
  });

  it("answers a wrong code with exactly [5121] 認証コードが不正です。 and keeps the form", async () => {
    const customer = await t.addCustomer();
    const { browser, code } = await passwordStep(customer);
    const response = await browser.post("/login/mfa", { form: { code: wrongCodeFor(code) } });
    assert.equal(response.statusCode, 401);
    assert.match(response.body, /\[5121\] 認証コードが不正です。<\/p>/);
    assert.match(response.body, /name="code"/);
    const right = await browser.post("/login/mfa", { form: { code } });
    assert.equal(right.statusCode, 303, "a wrong try does not spoil the right code");
  });

  it("burns the code on the 5th wrong entry: [5123], and the right code no longer works", async () => {
    const customer = await t.addCustomer();
    const { browser, code } = await passwordStep(customer);
    for (let attempt = 1; attempt <= 4; attempt += 1) {
      const response = await browser.post("/login/mfa", { form: { code: wrongCodeFor(code) } });
      assert.match(response.body, /\[5121\]/, `attempt ${attempt}`);
    }
    const fifth = await browser.post("/login/mfa", { form: { code: wrongCodeFor(code) } });
    assert.match(fifth.body, /\[5123\]/);
    assert.doesNotMatch(fifth.body, /name="code"/, "no code form after the code is burned");
    const right = await browser.post("/login/mfa", { form: { code } });
    assert.notEqual(right.statusCode, 303);
  });

  it("does not count a field that is not 6 digits as a guess", async () => {
    const customer = await t.addCustomer();
    const { browser, code } = await passwordStep(customer);
    for (let attempt = 1; attempt <= 6; attempt += 1) {
      const response = await browser.post("/login/mfa", { form: { code: "12345" } });
      assert.match(response.body, /\[5121\]/);
    }
    assert.equal((await browser.post("/login/mfa", { form: { code } })).statusCode, 303);
  });

  it("accepts the code until 10 minutes after sending, and answers [5122] from then on", async () => {
    const early = await t.addCustomer();
    const first = await passwordStep(early);
    t.clock.advance(TEN_MINUTES_MS - 1000);
    assert.equal((await first.browser.post("/login/mfa", { form: { code: first.code } })).statusCode, 303);

    const late = await t.addCustomer();
    const second = await passwordStep(late);
    t.clock.advance(TEN_MINUTES_MS);
    const expired = await second.browser.post("/login/mfa", { form: { code: second.code } });
    assert.equal(expired.statusCode, 401);
    assert.match(expired.body, /\[5122\] 認証コードの有効期限が切れました。もう一度ログインしてください。/);
    // 「もう一度ログインする」 with the login ID filled in (issue 21, item 1).
    assert.match(expired.body, /href="\/login\?again=1"/);
  });

  it("honours OTP_TTL_SECONDS", async (context) => {
    const short = await startTestService(context, { env: { OTP_TTL_SECONDS: "120" } });
    const customer = await short.addCustomer();
    const browser = short.client();
    await browser.post("/login", { form: { loginId: customer.loginId, password: customer.password } });
    const code = await short.codeFor(customer.email);
    assert.match((await browser.get("/login/mfa")).body, /id="expires-at">2026\/11\/25 09:32:00</);
    short.clock.advance(120 * 1000);
    assert.match((await browser.post("/login/mfa", { form: { code } })).body, /\[5122\]/);
  });

  it("never accepts a used code again", async () => {
    const customer = await t.addCustomer();
    const { browser, code } = await passwordStep(customer);
    const preauth = browser.cookies.get("__Host-okb_preauth");
    assert.equal((await browser.post("/login/mfa", { form: { code } })).statusCode, 303);
    const replay = t.client();
    replay.cookies.set("__Host-okb_preauth", preauth ?? "");
    const again = await replay.post("/login/mfa", { form: { code } });
    assert.equal(again.statusCode, 401);
    assert.match(again.body, /\[5121\]/);
    assert.equal(replay.cookies.has("__Host-okb_session"), false);
  });

  it("lets only one of two concurrent requests with the right code log in", async () => {
    const customer = await t.addCustomer();
    const { browser, code } = await passwordStep(customer);
    const preauth = browser.cookies.get("__Host-okb_preauth") ?? "";
    const racers = Array.from({ length: 4 }, () => {
      const racer = t.client();
      racer.cookies.set("__Host-okb_preauth", preauth);
      return racer;
    });
    const responses = await Promise.all(racers.map((racer) => racer.post("/login/mfa", { form: { code } })));
    assert.deepEqual(responses.map((r) => r.statusCode).sort(), [303, 401, 401, 401]);
    assert.equal(racers.filter((racer) => racer.cookies.has("__Host-okb_session")).length, 1);
  });

  it("binds the code to the browser that passed the password step", async () => {
    const customer = await t.addCustomer();
    const { code } = await passwordStep(customer);
    const other = t.client();
    const response = await other.post("/login/mfa", { form: { code } });
    assert.equal(response.statusCode, 401);
    assert.match(response.body, /\[5121\]/);
    assert.equal(other.cookies.has("__Host-okb_session"), false);
  });

  it("supersedes every earlier code at a new login from any browser (seed Q6), and says a newer code was sent", async () => {
    const customer = await t.addCustomer();
    const first = await passwordStep(customer, 1);
    // The catcher holds the mail before the outbox has recorded it as sent; 30 s on, past the
    // 20 s lease, a mail still unrecorded is due again and would go out twice.
    await t.drainOutbox();
    t.clock.advance(30_000);
    const second = await passwordStep(customer, 2);
    assert.notEqual(first.code, second.code, "a different code each login");
    const stale = await first.browser.post("/login/mfa", { form: { code: first.code } });
    assert.equal(stale.statusCode, 401);
    assert.match(stale.body, /\[5121\] 認証コードが不正です。/);
    assert.match(stale.body, /新しい認証コードが送信されています。/);
    assert.equal((await second.browser.post("/login/mfa", { form: { code: second.code } })).statusCode, 303);
  });

  it("makes the code screen show the send time the mail shows, so the customer can tell which mail is current", async () => {
    const customer = await t.addCustomer();
    t.clock.advance(17_000);
    const { browser } = await passwordStep(customer);
    const mail = await t.mailTo(customer.email);
    const sentAt = /id="sent-at">([^<]+)</.exec((await browser.get("/login/mfa")).body)?.[1];
    assert.ok(sentAt);
    assert.ok(mail.text.includes(`送信日時: ${sentAt}`), `mail should show ${sentAt}`);
  });
});
