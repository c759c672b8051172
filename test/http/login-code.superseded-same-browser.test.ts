import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { sharedTestService } from "../support/test-service.ts";
import type { TestCustomer } from "../support/test-service.ts";
import type { WebClient } from "../support/web-client.ts";
import { wrongCodeFor } from "../support/codes.ts";

const NEWER_CODE_HINT = /新しい認証コードが送信されています。最新のメールに記載された認証コードを入力してください。/;

/**
 * Issue 11, item 10: a slow first mail arrives after the customer logged in again in
 * the same browser, and its code is typed into the new code screen. Another browser,
 * whose cookie names the superseded challenge, was told "a newer code has been sent";
 * the same browser, whose cookie names the new challenge, got a bare [5121]. Now both
 * get the hint (seed Q6: 前回の認証コードはご利用いただけません), and the old code
 * still counts as a wrong code.
 */
describe("an older code typed in the same browser after a new login: [5121] with the newer-code hint", () => {
  const t = sharedTestService();

  /** Logs in `times` times in one browser, 30 s apart; returns the codes mailed, oldest first. */
  async function loginRepeatedly(customer: TestCustomer, browser: WebClient, times: number): Promise<string[]> {
    const codes: string[] = [];
    for (let n = 1; n <= times; n += 1) {
      if (n > 1) {
        t.clock.advance(30_000);
      }
      const response = await browser.post("/login", { form: { loginId: customer.loginId, password: customer.password } });
      assert.equal(response.statusCode, 303);
      codes.push(await t.codeFor(customer.email, n));
    }
    return codes;
  }

  it("answers the previous login's code with [5121] and the hint, counts it as a wrong code, and still takes the newest code", async () => {
    const customer = await t.addCustomer();
    const browser = t.client();
    const [older = "", newest = ""] = await loginRepeatedly(customer, browser, 2);
    const response = await browser.post("/login/mfa", { form: { code: older } });
    assert.equal(response.statusCode, 401);
    assert.match(response.body, /\[5121\] 認証コードが不正です。/);
    assert.match(response.body, NEWER_CODE_HINT);
    assert.match(response.body, /name="code"/, "the form stays for the newest code");
    const failed = (await t.auditEvents(customer.customer.id)).filter((event) => event.event === "code.failed");
    assert.equal(failed.length, 1, "counted as a wrong code");
    assert.equal(failed[0]?.detail["supersededCode"], true);
    assert.equal((await browser.post("/login/mfa", { form: { code: newest } })).statusCode, 303);
  });

  it("recognises a code from any of the last logins, not only the one just before", async () => {
    const customer = await t.addCustomer();
    const browser = t.client();
    const [first = ""] = await loginRepeatedly(customer, browser, 3);
    const response = await browser.post("/login/mfa", { form: { code: first } });
    assert.equal(response.statusCode, 401);
    assert.match(response.body, NEWER_CODE_HINT);
  });

  it("says the same in English", async () => {
    const customer = await t.addCustomer();
    const browser = t.client();
    const [older = ""] = await loginRepeatedly(customer, browser, 2);
    const response = await browser.post("/login/mfa?lang=en", { form: { code: older } });
    assert.match(response.body, /\[5121\] The authentication code is incorrect\./);
    assert.match(response.body, /A newer code has been sent\. Please enter the code from the latest mail\./);
  });

  it("answers the same through the JSON API", async () => {
    const customer = await t.addCustomer();
    const app = t.client();
    await app.post("/api/v1/login", { json: { loginId: customer.loginId, password: customer.password } });
    const older = await t.codeFor(customer.email, 1);
    t.clock.advance(30_000);
    await app.post("/api/v1/login", { json: { loginId: customer.loginId, password: customer.password } });
    const response = await app.post("/api/v1/login/mfa", { json: { code: older } });
    assert.equal(response.statusCode, 401);
    assert.equal(response.json().error.code, "5121");
    assert.match(response.json().error.hint, NEWER_CODE_HINT);
  });

  it("gives a code that was never sent no hint", async () => {
    const customer = await t.addCustomer();
    const browser = t.client();
    const [older = "", newest = ""] = await loginRepeatedly(customer, browser, 2);
    let guess = wrongCodeFor(newest);
    if (guess === older) {
      guess = wrongCodeFor(guess);
    }
    const response = await browser.post("/login/mfa", { form: { code: guess } });
    assert.equal(response.statusCode, 401);
    assert.match(response.body, /\[5121\] 認証コードが不正です。/);
    assert.doesNotMatch(response.body, NEWER_CODE_HINT);
  });

  it("gives another customer's code no hint", async () => {
    const someone = await t.addCustomer();
    const [theirs = ""] = await loginRepeatedly(someone, t.client(), 1);
    const customer = await t.addCustomer();
    const browser = t.client();
    const [, newest = ""] = await loginRepeatedly(customer, browser, 2);
    if (theirs === newest) {
      return;
    }
    const response = await browser.post("/login/mfa", { form: { code: theirs } });
    assert.doesNotMatch(response.body, NEWER_CODE_HINT);
  });
});
