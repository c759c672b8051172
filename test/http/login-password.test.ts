import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { sharedTestService } from "../support/test-service.ts";

describe("password step (GET/POST /login)", () => {
  // Thresholds wide open, as in login-password.timing.test.ts: wrong passwords here neither lock nor hit a rate limit.
  const t = sharedTestService({ env: { LOCKOUT_THRESHOLD: "100", RATE_LIMIT_PASSWORD_PER_LOGIN_ID: "1000/60", RATE_LIMIT_PASSWORD_PER_IP: "1000/60" } });

  it("shows the login form in Japanese by default, English on ?lang=en or Accept-Language", async () => {
    const ja = await t.client().get("/login");
    assert.equal(ja.statusCode, 200);
    assert.match(ja.body, /<html lang="ja">/);
    assert.match(ja.body, /ログインID/);
    assert.match(ja.body, /ログインパスワード/);
    const en = await t.client().get("/login?lang=en");
    assert.match(en.body, /<html lang="en">/);
    assert.match(en.body, /Login ID/);
    const header = await t.client().get("/login", { headers: { "accept-language": "en-US,en;q=0.9,ja;q=0.5" } });
    assert.match(header.body, /Login ID/);
  });

  it("answers a wrong password and an unknown ID with the same generic [5101]", async () => {
    const customer = await t.addCustomer();
    const wrong = await t.client().post("/login", { form: { loginId: customer.loginId, password: "not the password" } });
    const unknown = await t.client().post("/login", { form: { loginId: "nobody-here", password: "whatever123" } });
    assert.equal(wrong.statusCode, 401);
    assert.equal(unknown.statusCode, 401);
    for (const response of [wrong, unknown]) {
      assert.match(response.body, /\[5101\] ログインIDまたはパスワードが正しくありません。/);
    }
    assert.equal(t.smtp.mails.filter((mail) => mail.to === customer.email).length, 0, "no code mail for a wrong password");
  });

  it("accepts the right password: 303 to /login/mfa with an HttpOnly pre-auth cookie", async () => {
    const customer = await t.addCustomer();
    const browser = t.client();
    const response = await browser.post("/login", { form: { loginId: customer.loginId, password: customer.password } });
    assert.equal(response.statusCode, 303);
    assert.equal(response.headers.location, "/login/mfa");
    const cookie = response.cookies.find((c) => c.name === "__Host-okb_preauth");
    assert.ok(cookie, "pre-auth cookie set");
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.secure, true);
    assert.equal(cookie.path, "/");
    assert.equal(cookie.sameSite, "Lax");
  });

  it("keeps English through the flow when the form was posted from ?lang=en", async () => {
    const customer = await t.addCustomer();
    const browser = t.client();
    const response = await browser.post("/login?lang=en", { form: { loginId: customer.loginId, password: customer.password } });
    assert.equal(response.headers.location, "/login/mfa?lang=en");
    const page = await browser.get("/login/mfa?lang=en");
    assert.match(page.body, /Authentication code/);
  });

  it("accepts a login ID typed in full-width characters (NFKC)", async () => {
    const customer = await t.addCustomer({ loginId: "ABC123" });
    const response = await t.client().post("/login", { form: { loginId: "ＡＢＣ１２３", password: customer.password } });
    assert.equal(response.statusCode, 303);
  });
});
