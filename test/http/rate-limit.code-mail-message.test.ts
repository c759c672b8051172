import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { sharedTestService, startTestService } from "../support/test-service.ts";
import type { TestCustomer } from "../support/test-service.ts";

/**
 * Issue 11: the sixth code mail in 15 minutes used to answer [5124]
 * 「ただいまアクセスが集中しています」, which reads as a server overload; the customer
 * was told neither what happened nor how long to wait. The code-mail limit has its
 * own code and message: the limit, and in how many minutes to log in again.
 */
describe("the code-mail limit says what happened and how long to wait ([5125])", () => {
  const t = sharedTestService();

  /** Five logins, each mailing a code (the most the limit allows in a window). */
  async function useUpCodeMails(customer: TestCustomer): Promise<void> {
    for (let n = 1; n <= 5; n += 1) {
      const response = await t.client().post("/login", { form: { loginId: customer.loginId, password: customer.password } });
      assert.equal(response.statusCode, 303, `login ${n}`);
    }
  }

  it("answers the 6th login with [5125], the limit and the minutes left, 429 and Retry-After", async () => {
    const customer = await t.addCustomer();
    // The test clock stands at 09:30:00 JST, the start of a 15-minute window.
    await useUpCodeMails(customer);
    const sixth = await t.client().post("/login", { form: { loginId: customer.loginId, password: customer.password } });
    assert.equal(sixth.statusCode, 429);
    assert.equal(sixth.headers["retry-after"], "900");
    assert.match(
      sixth.body,
      /\[5125\] 認証コードの送信回数が上限（15分間に5回）に達しました。あと15分ほどお待ちのうえ、もう一度ログインしてください。/,
    );
    assert.doesNotMatch(sixth.body, /アクセスが集中/);
    assert.match(sixth.body, /name="password"/, "the login form stays");

    t.clock.advance(10 * 60 * 1000 + 30_000);
    const later = await t.client().post("/login", { form: { loginId: customer.loginId, password: customer.password } });
    assert.equal(later.statusCode, 429);
    assert.equal(later.headers["retry-after"], "270");
    assert.match(later.body, /あと5分ほどお待ちのうえ/, "4 min 30 s is said as about 5 minutes");
    t.clock.advance(270_000);
  });

  it("says it in English, and in the JSON API", async () => {
    const customer = await t.addCustomer();
    await useUpCodeMails(customer);
    const page = await t.client().post("/login?lang=en", { form: { loginId: customer.loginId, password: customer.password } });
    assert.equal(page.statusCode, 429);
    assert.match(page.body, /\[5125\] You have reached the limit of 5 code mails in 15 minutes\. Please wait about \d+ minutes? and log in again\./);
    const api = await t.client().post("/api/v1/login", { json: { loginId: customer.loginId, password: customer.password } });
    assert.equal(api.statusCode, 429);
    assert.equal(api.json().error.code, "5125");
    assert.match(api.json().error.message, /^認証コードの送信回数が上限（15分間に5回）に達しました。/);
    assert.ok(Number(api.headers["retry-after"]) > 0);
  });

  it("names a configured limit (RATE_LIMIT_CODE_MAILS_PER_CUSTOMER=3/600)", async (context) => {
    const other = await startTestService(context, { env: { RATE_LIMIT_CODE_MAILS_PER_CUSTOMER: "3/600" } });
    const customer = await other.addCustomer();
    for (let n = 1; n <= 3; n += 1) {
      assert.equal((await other.client().post("/login", { form: { loginId: customer.loginId, password: customer.password } })).statusCode, 303);
    }
    const refused = await other.client().post("/login", { form: { loginId: customer.loginId, password: customer.password } });
    assert.equal(refused.statusCode, 429);
    assert.match(refused.body, /\[5125\] 認証コードの送信回数が上限（10分間に3回）に達しました。あと\d+分ほどお待ちのうえ/);
  });

  it("leaves the other limits at [5124]", async () => {
    const customer = await t.addCustomer();
    for (let i = 0; i < 20; i += 1) {
      await t.client().post("/login", { form: { loginId: customer.loginId, password: `wrong ${i}` } });
    }
    const refused = await t.client().post("/login", { form: { loginId: customer.loginId, password: "wrong again" } });
    assert.equal(refused.statusCode, 429);
    assert.match(refused.body, /\[5124\]/);
  });
});
