import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { sharedTestService } from "../support/test-service.ts";
import type { TestCustomer } from "../support/test-service.ts";
import type { WebClient } from "../support/web-client.ts";

const FROZEN_SUBJECT = "【OKB証券】ログイン停止（口座凍結）のお知らせ";

describe("freeze my account (POST /api/v1/account/freeze): seed Q9's emergency", () => {
  const t = sharedTestService({ env: { RATE_LIMIT_CODE_MAILS_PER_CUSTOMER: "100/60" } });

  async function loggedIn(customer: TestCustomer, n: number): Promise<WebClient> {
    const browser = t.client();
    await browser.post("/api/v1/login", { json: { loginId: customer.loginId, password: customer.password } });
    assert.equal((await browser.post("/api/v1/login/mfa", { json: { code: await t.codeFor(customer.email, n) } })).statusCode, 200);
    return browser;
  }

  it("after the password, ends every session, refuses every login with [5103] (right or wrong password), mails a notice, audits it", async () => {
    const customer = await t.addCustomer();
    const phone = await loggedIn(customer, 1);
    const browser = await loggedIn(customer, 2);
    const response = await browser.post("/api/v1/account/freeze", { json: { password: customer.password } });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), { status: "frozen" });
    assert.equal(browser.cookies.has("__Host-okb_session"), false);
    assert.equal((await browser.get("/api/v1/session")).statusCode, 401);
    assert.equal((await phone.get("/api/v1/session")).statusCode, 401, "every session ended");
    for (const password of [customer.password, "a wrong password"]) {
      const login = await t.client().post("/api/v1/login", { json: { loginId: customer.loginId, password } });
      assert.equal(login.statusCode, 423, password);
      assert.equal(login.json().error.code, "5103");
      assert.match(login.json().error.message, /コールセンター（0120-483744）/);
    }
    const page = await t.client().post("/login", { form: { loginId: customer.loginId, password: customer.password } });
    assert.match(page.body, /\[5103\]/);
    const notice = await t.mailTo(customer.email, 1, FROZEN_SUBJECT);
    assert.match(notice.text, /ログインを停止（凍結）しました/);
    assert.doesNotMatch(notice.text, /https?:|www\./);
    const events = (await t.auditEvents(customer.customer.id)).map((event) => event.event);
    assert.ok(events.includes("account.frozen"));
    assert.equal(events.filter((event) => event === "login.refused_frozen").length, 3);
    assert.equal(t.smtp.mails.filter((mail) => mail.to === customer.email && mail.subject === "【OKB証券】認証コードのお知らせ").length, 2, "no code mail after the freeze");
  });

  it("a code sent before the freeze no longer logs in", async () => {
    const customer = await t.addCustomer();
    const browser = await loggedIn(customer, 1);
    const pending = t.client();
    await pending.post("/api/v1/login", { json: { loginId: customer.loginId, password: customer.password } });
    const code = await t.codeFor(customer.email, 2);
    await browser.post("/api/v1/account/freeze", { json: { password: customer.password } });
    const late = await pending.post("/api/v1/login/mfa", { json: { code } });
    assert.equal(late.json().error.code, "5103");
  });

  it("a wrong password freezes nothing, answers [5101] and counts toward the lockout; without a session [4010]", async () => {
    const customer = await t.addCustomer();
    const browser = await loggedIn(customer, 1);
    const wrong = await browser.post("/api/v1/account/freeze", { json: { password: "not my password" } });
    assert.equal(wrong.json().error.code, "5101");
    assert.equal((await browser.get("/api/v1/session")).statusCode, 200, "still logged in, not frozen");
    const failures = (await t.auditEvents(customer.customer.id)).filter((event) => event.event === "password.failed");
    assert.equal(failures.length, 1);
    const anonymous = await t.client().post("/api/v1/account/freeze", { json: { password: customer.password } });
    assert.equal(anonymous.json().error.code, "4010");
    const malformed = await browser.post("/api/v1/account/freeze", { json: { password: 12345 } });
    assert.equal(malformed.json().error.code, "4000");
  });
});
