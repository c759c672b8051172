import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { sharedTestService, startTestService } from "../support/test-service.ts";

const CHROME_ON_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";

describe("the code mail (seed 別紙1-2, Q3, Q5, Q9)", () => {
  const t = sharedTestService();

  it("goes over SMTP to the one 重要メール address with the exact subject and From", async () => {
    const customer = await t.addCustomer({ email: "hanako@example.co.jp" });
    await t.client().post("/login", { form: { loginId: customer.loginId, password: customer.password } });
    const mail = await t.mailTo(customer.email);
    assert.equal(mail.to, "hanako@example.co.jp");
    assert.equal(mail.subject, "【OKB証券】認証コードのお知らせ");
    assert.match(mail.from, /^"?OKB証券"? <no-reply@okb-sec\.co\.jp>$/);
    assert.equal(mail.html, false, "plain text only");
  });

  it("states the code, its 10-minute limit in JST, the request's time, IP and browser/OS", async () => {
    const customer = await t.addCustomer({ name: "佐藤 一郎" });
    await t.client({ ip: "192.0.2.44", userAgent: CHROME_ON_WINDOWS }).post("/login", { form: { loginId: customer.loginId, password: customer.password } });
    const mail = await t.mailTo(customer.email);
    const code = await t.codeFor(customer.email);
    assert.match(code, /^\d{6}$/);
    assert.match(mail.text, /^佐藤 一郎 様/);
    assert.match(mail.text, /有効期限: 2026\/11\/25 09:40:00 まで（メール送信から10分間）/);
    assert.match(mail.text, /送信日時: 2026\/11\/25 09:30:00/);
    assert.match(mail.text, /IPアドレス: 192\.0\.2\.44/);
    assert.match(mail.text, /ご利用環境: Chrome 120 \/ Windows 10/);
    assert.match(mail.text, /Valid until: 2026\/11\/25 09:40:00 JST/);
  });

  it("tells a customer who did not log in what to do (seed Q9) and how to reach the call center", async () => {
    const customer = await t.addCustomer();
    await t.client().post("/login", { form: { loginId: customer.loginId, password: customer.password } });
    const { text } = await t.mailTo(customer.email);
    assert.match(text, /第三者が不正ログインを試みている可能性があります。/);
    assert.match(text, /あわせてログインパスワードを変更し、不審な取引がないことをご確認ください。/);
    assert.match(text, /「ログイン履歴」.*\n.*「ご利用中の端末」.*\n.*「口座の凍結（ログイン停止）」/u, "the customer's own tools by their menu names (issue 21)");
    assert.match(text, /四方八方みんなよし/);
    assert.match(text, /（フリーダイヤル）0120-483744/);
    assert.match(text, /9:00～17:00/);
    assert.match(text, /\[English\]/);
  });

  it("contains no links at all", async () => {
    const customer = await t.addCustomer();
    await t.client().post("/login", { form: { loginId: customer.loginId, password: customer.password } });
    const { text } = await t.mailTo(customer.email);
    assert.doesNotMatch(text, /https?:|www\.|:\/\/|<a\s/i);
    assert.doesNotMatch(text, /\b[a-z0-9-]+\.(co\.jp|com|jp|net)\b/i, "no bare domain a mail client would turn into a link");
  });

  it("takes the brand, mail domain and call center from configuration", async (context) => {
    const branded = await startTestService(context, {
      env: { BRAND_NAME: "テスト証券", MAIL_DOMAIN: "test-sec.example", CALL_CENTER_PHONE: "0120-000000" },
    });
    const customer = await branded.addCustomer();
    await branded.client().post("/login", { form: { loginId: customer.loginId, password: customer.password } });
    const mail = await branded.mailTo(customer.email);
    assert.equal(mail.subject, "【テスト証券】認証コードのお知らせ");
    assert.match(mail.from, /<no-reply@test-sec\.example>/);
    assert.match(mail.text, /0120-000000/);
  });

  it("leaves no readable code, pre-auth token or session token in the database", async () => {
    const customer = await t.addCustomer();
    const browser = t.client();
    await browser.post("/login", { form: { loginId: customer.loginId, password: customer.password } });
    const code = await t.codeFor(customer.email);
    const preauth = browser.cookies.get("__Host-okb_preauth") ?? "";
    await browser.post("/login/mfa", { form: { code } });
    const session = browser.cookies.get("__Host-okb_session") ?? "";
    assert.ok(preauth !== "" && session !== "");
    const db = t.service.database.db;
    const dump = JSON.stringify([
      await db.selectFrom("login_challenges").selectAll().execute(),
      await db.selectFrom("mail_outbox").selectAll().execute(),
      await db.selectFrom("sessions").selectAll().execute(),
      await db.selectFrom("login_history").selectAll().execute(),
    ]);
    assert.ok(!dump.includes(code), "the code is stored nowhere in clear");
    assert.ok(!dump.includes(preauth), "the pre-auth token is stored nowhere");
    assert.ok(!dump.includes(session), "the session token is stored nowhere");
    const sessionHash = createHash("sha256").update(session).digest("hex");
    assert.ok(dump.includes(sessionHash), "only the token's SHA-256 is kept");
  });

  it("writes the mail to the outbox in the login's transaction and delivers it once SMTP works again", async () => {
    const customer = await t.addCustomer();
    t.smtp.refuseAll = true;
    try {
      const response = await t.client().post("/login", { form: { loginId: customer.loginId, password: customer.password } });
      assert.equal(response.statusCode, 303, "the login goes on while SMTP refuses");
      const row = await t.service.database.db.selectFrom("mail_outbox").selectAll().where("recipient", "=", customer.email).executeTakeFirstOrThrow();
      assert.equal(row.status, "pending");
      // A delivery is tried and refused; the retry waits out its backoff on the test clock.
      await t.drainOutbox();
    } finally {
      t.smtp.refuseAll = false;
    }
    // Backoff is measured on the service's clock: move it past the first retry.
    t.clock.advance(2000);
    const code = await t.codeFor(customer.email);
    assert.match(code, /^\d{6}$/);
  });
});
