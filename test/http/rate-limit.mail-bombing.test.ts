import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { sharedTestService } from "../support/test-service.ts";
import { COUNTER_BACKENDS } from "../support/backends.ts";

for (const backend of COUNTER_BACKENDS) {
  describe(`rate limits against mail bombing and guessing (${backend.name})`, () => {
    const t = sharedTestService({
      env: {
        ...backend.env(),
        RATE_LIMIT_PASSWORD_PER_IP: "8/60",
        RATE_LIMIT_PASSWORD_PER_LOGIN_ID: "6/60",
        RATE_LIMIT_CODE_PER_CHALLENGE: "7/60",
      },
    });

    it("mails at most 5 codes per customer in 15 minutes: the 6th login gets [5125] (its own message, issue 11), 429 and Retry-After", async () => {
      const customer = await t.addCustomer();
      for (let n = 1; n <= 5; n += 1) {
        const response = await t.client({ ip: `198.51.100.${n}` }).post("/login", { form: { loginId: customer.loginId, password: customer.password } });
        assert.equal(response.statusCode, 303, `login ${n}`);
        await t.mailTo(customer.email, n);
      }
      const sixth = await t.client({ ip: "198.51.100.99" }).post("/login", { form: { loginId: customer.loginId, password: customer.password } });
      assert.equal(sixth.statusCode, 429);
      assert.match(sixth.body, /\[5125\]/);
      assert.ok(Number(sixth.headers["retry-after"]) > 0);
      // Everything queued is delivered or tried by now: a 6th mail would be in the catcher or still in the outbox.
      await t.drainOutbox();
      assert.equal(t.smtp.mails.filter((mail) => mail.to === customer.email).length, 5, "no 6th mail");
      assert.deepEqual(await t.pendingMails(), [], "and none waiting in the outbox");
      t.clock.advance(15 * 60 * 1000);
      const later = await t.client({ ip: "198.51.100.100" }).post("/login", { form: { loginId: customer.loginId, password: customer.password } });
      assert.equal(later.statusCode, 303, "allowed again in the next window");
    });

    it("limits password attempts per IP, without touching other addresses behind which customers log in", async () => {
      const flooder = "203.0.113.200";
      for (let i = 0; i < 8; i += 1) {
        await t.client({ ip: flooder }).post("/login", { form: { loginId: `nobody${i}`, password: "guess guess" } });
      }
      const refused = await t.client({ ip: flooder }).post("/api/v1/login", { json: { loginId: "nobody", password: "guess guess" } });
      assert.equal(refused.statusCode, 429);
      assert.equal(refused.json().error.code, "5124");
      assert.ok(Number(refused.headers["retry-after"]) > 0);
      const customer = await t.addCustomer();
      const other = await t.client({ ip: "203.0.113.201" }).post("/login", { form: { loginId: customer.loginId, password: customer.password } });
      assert.equal(other.statusCode, 303);
    });

    it("limits password attempts per login ID across many addresses (stuffing one account)", async () => {
      const customer = await t.addCustomer();
      for (let i = 0; i < 6; i += 1) {
        await t.client({ ip: `192.0.2.${i + 1}` }).post("/login", { form: { loginId: customer.loginId, password: `wrong ${i}` } });
      }
      const refused = await t.client({ ip: "192.0.2.77" }).post("/login", { form: { loginId: customer.loginId, password: customer.password } });
      assert.equal(refused.statusCode, 429);
      assert.equal(t.smtp.mails.filter((mail) => mail.to === customer.email).length, 0);
    });

    it("limits code entries per challenge, typos included", async () => {
      const customer = await t.addCustomer();
      const browser = t.client({ ip: "192.0.2.150" });
      await browser.post("/login", { form: { loginId: customer.loginId, password: customer.password } });
      const code = await t.codeFor(customer.email);
      for (let i = 0; i < 7; i += 1) {
        assert.equal((await browser.post("/login/mfa", { form: { code: "12" } })).statusCode, 401);
      }
      const refused = await browser.post("/login/mfa", { form: { code } });
      assert.equal(refused.statusCode, 429);
      assert.match(refused.body, /\[5124\]/);
      assert.equal(browser.cookies.has("__Host-okb_session"), false);
    });
  });
}
