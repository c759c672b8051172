import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { sharedTestService } from "../support/test-service.ts";

describe("a customer whose MFA the call center turned off (seed Q7)", () => {
  const t = sharedTestService();

  it("logs in with the password alone, gets no code mail, and sees a banner urging MFA", async () => {
    const customer = await t.addCustomer({ mfaEnabled: false });
    const browser = t.client();
    const response = await browser.post("/login", { form: { loginId: customer.loginId, password: customer.password } });
    assert.equal(response.statusCode, 303);
    assert.equal(response.headers.location, "/");
    assert.ok(browser.cookies.has("__Host-okb_session"));
    const page = await browser.get("/");
    assert.match(page.body, /id="mfa-banner"/);
    assert.match(page.body, /多要素認証の設定を強くお勧めします/);
    assert.match(page.body, /id="mfa-status">解除中</);
    assert.equal(t.smtp.mails.filter((mail) => mail.to === customer.email).length, 0);
  });

  it("shows no banner to a customer with MFA on", async () => {
    const customer = await t.addCustomer();
    const browser = t.client();
    await browser.post("/login", { form: { loginId: customer.loginId, password: customer.password } });
    await browser.post("/login/mfa", { form: { code: await t.codeFor(customer.email) } });
    const page = await browser.get("/");
    assert.doesNotMatch(page.body, /id="mfa-banner"/);
    assert.match(page.body, /id="mfa-status">利用中</);
  });

  it("still refuses a wrong password with [5101]", async () => {
    const customer = await t.addCustomer({ mfaEnabled: false });
    const response = await t.client().post("/login", { form: { loginId: customer.loginId, password: "wrong password!" } });
    assert.equal(response.statusCode, 401);
    assert.match(response.body, /\[5101\]/);
  });
});
