import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { formatJapanTime, isoJapanTime } from "../../src/core/kernel/japan-time.ts";
import { sharedTestService } from "../support/test-service.ts";
import type { TestCustomer } from "../support/test-service.ts";
import type { WebClient } from "../support/web-client.ts";

const PREAUTH = "__Host-okb_preauth";

/**
 * Issue 21, item 2: a code that does not come (or was deleted) could only be replaced by
 * logging in again from the start. The code screen now has 「認証コードを再送信」: a new code
 * for the same pre-auth state (seed Q6: a different code each time, the previous one stops
 * working), counted toward the code-mail limit ([5125] with its wait), and the screen says
 * where it went (the masked 重要メール) and when (Japan time). The JSON API has the same
 * as POST /api/v1/login/mfa/resend.
 */
describe("「認証コードを再送信」 on the code screen (POST /login/mfa/resend, POST /api/v1/login/mfa/resend)", () => {
  const t = sharedTestService();

  async function passwordStep(customer: TestCustomer, browser: WebClient = t.client()): Promise<WebClient> {
    const response = await browser.post("/login", { form: { loginId: customer.loginId, password: customer.password } });
    assert.equal(response.statusCode, 303);
    return browser;
  }

  it("offers the button (a form with the CSRF token) while a code is pending", async () => {
    const customer = await t.addCustomer();
    const browser = await passwordStep(customer);
    const page = await browser.get("/login/mfa");
    assert.match(page.body, /<form method="post" action="\/login\/mfa\/resend" id="resend-form">\s*<input type="hidden" name="_csrf" value="[^"]+">/);
    assert.match(page.body, /<button type="submit" class="secondary" id="resend-code"[^>]*>認証コードを再送信<\/button>/);
  });

  it("mails a different code, says where and when, refuses the old code [5121] and takes the new one", async () => {
    const customer = await t.addCustomer({ email: "hanako.suzuki@example.co.jp" });
    const browser = await passwordStep(customer);
    const first = await t.codeFor(customer.email, 1);
    await browser.get("/login/mfa");
    // The mail handed to SMTP is marked sent before the test clock jumps (else its claim looks expired and it goes again).
    await t.drainOutbox();
    t.clock.advance(90_000);
    const resent = await browser.post("/login/mfa/resend", { form: {} });
    assert.equal(resent.statusCode, 303);
    assert.equal(resent.headers.location, "/login/mfa?resent=1");
    const page = await browser.get("/login/mfa?resent=1");
    assert.equal(page.statusCode, 200);
    // Japan time, as the mail shows it (2026/11/25 09:31:30 when this test runs first).
    const sentAt = formatJapanTime(t.clock.now());
    const expiresAt = formatJapanTime(t.clock.now() + t.config.codeTtlSeconds * 1000);
    assert.ok(page.body.includes(`<p class="notice" role="status" id="code-resent">h***@example.co.jp 宛てに新しい認証コードを送信しました（送信日時：${sentAt}）。以前の認証コードはご利用いただけません。</p>`), page.body);
    assert.ok(page.body.includes(`id="sent-at">${sentAt}<`));
    assert.ok(page.body.includes(`id="expires-at">${expiresAt}<`));
    assert.ok((await t.mailTo(customer.email, 2)).text.includes(`送信日時: ${sentAt}`), "the mail shows the same send time");
    assert.match(page.body, /name="code"/);

    const second = await t.codeFor(customer.email, 2);
    assert.notEqual(second, first, "seed Q6: never the same code again");
    const old = await browser.post("/login/mfa", { form: { code: first } });
    assert.equal(old.statusCode, 401);
    assert.match(old.body, /\[5121\] 認証コードが不正です。/);
    assert.equal((await browser.post("/login/mfa", { form: { code: second } })).statusCode, 303);

    const sent = (await t.auditEvents(customer.customer.id)).filter((event) => event.event === "code.sent");
    assert.equal(sent.length, 2);
    assert.equal(sent[1]?.detail["resent"], true, "the audit trail tells a resend from a login");
  });

  it("says it in English", async () => {
    const customer = await t.addCustomer({ email: "ken@example.co.jp" });
    const browser = await passwordStep(customer);
    await browser.get("/login/mfa?lang=en");
    const resent = await browser.post("/login/mfa/resend?lang=en", { form: {} });
    assert.equal(resent.headers.location, "/login/mfa?lang=en&resent=1");
    const page = await browser.get("/login/mfa?lang=en&resent=1");
    assert.match(page.body, /We have sent a new code to k\*\*\*@example\.co\.jp \(sent at 2026\/11\/25 \d\d:\d\d:\d\d\)\. Earlier codes can no longer be used\./);
    assert.match(page.body, />Send a new code<\/button>/);
  });

  it("counts toward the code-mail limit: the 6th mail in 15 minutes is refused [5125] with its wait, and the last code still works", async () => {
    const customer = await t.addCustomer();
    const browser = await passwordStep(customer);
    let last = await t.codeFor(customer.email, 1);
    // Each mail awaited before the next is asked for: the n-th caught is the n-th sent.
    for (let n = 2; n <= 5; n += 1) {
      const resent = await browser.post("/login/mfa/resend", { form: {} });
      assert.equal(resent.statusCode, 303, `mail ${n}`);
      last = await t.codeFor(customer.email, n);
    }
    const refused = await browser.post("/login/mfa/resend", { form: {} });
    assert.equal(refused.statusCode, 429);
    assert.ok(Number(refused.headers["retry-after"]) > 0, "Retry-After");
    assert.match(refused.body, /\[5125\] 認証コードの送信回数が上限（15分間に5回）に達しました。再送信は、あと\d+分ほどお待ちのうえお試しください。送信済みの最新の認証コードは、有効期限まで引き続きご利用いただけます。/);
    assert.match(refused.body, /name="code"/, "the form stays for the code already sent");
    assert.equal((await t.queuedSubjects(customer.email)).length, 5, "no sixth mail");
    assert.equal((await browser.post("/login/mfa", { form: { code: last } })).statusCode, 303);
    await t.drainOutbox();
    t.clock.advance(900_000);
  });

  it("sends nothing for a code that is no longer pending: back to the code screen, which offers 「もう一度ログインする」", async () => {
    const customer = await t.addCustomer();
    const pc = await passwordStep(customer);
    await pc.get("/login/mfa");
    await passwordStep(customer, t.client());
    const resent = await pc.post("/login/mfa/resend", { form: {} });
    assert.equal(resent.statusCode, 303);
    assert.equal(resent.headers.location, "/login/mfa");
    assert.equal((await t.queuedSubjects(customer.email)).length, 2, "no third mail");
    assert.match((await pc.get("/login/mfa")).body, /href="\/login\?again=1"/);
  });

  it("refuses a resend without the page's CSRF token ([4030]) and sends nothing", async () => {
    const customer = await t.addCustomer();
    const browser = await passwordStep(customer);
    const refused = await browser.post("/login/mfa/resend", { form: {}, csrf: false });
    assert.equal(refused.statusCode, 403);
    assert.equal((await t.queuedSubjects(customer.email)).length, 1);
  });

  it("has the same in the JSON API: a new code, the old one [5121], the new one logs in, and [5125] at the limit", async () => {
    const customer = await t.addCustomer({ email: "app.user@example.co.jp" });
    const app = t.client();
    await app.post("/api/v1/login", { json: { loginId: customer.loginId, password: customer.password } });
    const first = await t.codeFor(customer.email, 1);
    const cookieBefore = app.cookies.get(PREAUTH);
    await t.drainOutbox();
    t.clock.advance(30_000);
    const resent = await app.post("/api/v1/login/mfa/resend", { json: {} });
    assert.equal(resent.statusCode, 200);
    const now = t.clock.now();
    assert.deepEqual(resent.json(), { status: "mfa_required", maskedEmail: "a***@example.co.jp", sentAt: isoJapanTime(now), expiresAt: isoJapanTime(now + t.config.codeTtlSeconds * 1000) });
    assert.notEqual(app.cookies.get(PREAUTH), cookieBefore, "a new pre-auth cookie");
    const second = await t.codeFor(customer.email, 2);
    assert.notEqual(second, first);
    const old = await app.post("/api/v1/login/mfa", { json: { code: first } });
    assert.equal(old.statusCode, 401);
    assert.equal(old.json().error.code, "5121");

    let last = second;
    for (let n = 3; n <= 5; n += 1) {
      assert.equal((await app.post("/api/v1/login/mfa/resend", { json: {} })).statusCode, 200, `mail ${n}`);
      last = await t.codeFor(customer.email, n);
    }
    const limited = await app.post("/api/v1/login/mfa/resend", { json: {} });
    assert.equal(limited.statusCode, 429);
    assert.equal(limited.json().error.code, "5125");
    assert.ok(Number(limited.headers["retry-after"]) > 0);
    assert.equal((await app.post("/api/v1/login/mfa", { json: { code: last } })).statusCode, 200);
    await t.drainOutbox();
    t.clock.advance(900_000);
  });

  it("answers the API's resend without a pending code as the code step would ([5121])", async () => {
    const nobody = await t.client().post("/api/v1/login/mfa/resend", { json: {} });
    assert.equal(nobody.statusCode, 401);
    assert.equal(nobody.json().error.code, "5121");
  });
});
