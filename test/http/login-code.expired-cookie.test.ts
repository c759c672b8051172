import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { sharedTestService } from "../support/test-service.ts";
import type { TestCustomer } from "../support/test-service.ts";
import type { WebClient } from "../support/web-client.ts";

const PREAUTH = "__Host-okb_preauth";
const THIRTY_MINUTES_S = 30 * 60;

/**
 * Issue 11, item 9: the pre-auth cookie used to die with its code (Max-Age = code
 * lifetime), so a browser no longer sent it when the customer typed the code late, and
 * the server, not knowing which code it was, answered [5121] 認証コードが不正です。 The
 * customer retyped the same expired code. The cookie now outlives the code by 30 minutes
 * and an expired code answers [5122] …有効期限が切れました。もう一度ログインしてください。
 *
 * WebClient keeps cookies by the wall clock, the service runs on the test's clock: so the
 * test drops the cookie itself once its Max-Age has passed on the test clock, as a real
 * browser would, before it types the code.
 */
describe("an expired code answers [5122] (the pre-auth cookie outlives the code)", () => {
  const t = sharedTestService();

  /** Password step; returns the browser, the code mailed and the pre-auth cookie's Max-Age. */
  async function passwordStep(customer: TestCustomer): Promise<{ browser: WebClient; code: string; maxAge: number }> {
    const browser = t.client();
    const response = await browser.post("/login", { form: { loginId: customer.loginId, password: customer.password } });
    assert.equal(response.statusCode, 303);
    const cookie = response.cookies.find((c) => c.name === PREAUTH);
    assert.ok(cookie, "pre-auth cookie set");
    assert.equal(typeof cookie.maxAge, "number");
    return { browser, code: await t.codeFor(customer.email), maxAge: cookie.maxAge ?? 0 };
  }

  /** What a browser does with a cookie set `elapsedMs` ago: drops it once its Max-Age has passed. */
  function letTimePass(browser: WebClient, maxAgeSeconds: number, elapsedMs: number): void {
    t.clock.advance(elapsedMs);
    if (maxAgeSeconds * 1000 <= elapsedMs) {
      browser.cookies.delete(PREAUTH);
    }
  }

  it("keeps the pre-auth cookie the code's lifetime plus 30 minutes (page and API)", async () => {
    const customer = await t.addCustomer();
    const { maxAge } = await passwordStep(customer);
    assert.equal(maxAge, t.config.codeTtlSeconds + THIRTY_MINUTES_S);

    const other = await t.addCustomer();
    const api = await t.client().post("/api/v1/login", { json: { loginId: other.loginId, password: other.password } });
    assert.equal(api.statusCode, 200);
    assert.equal(api.cookies.find((c) => c.name === PREAUTH)?.maxAge, t.config.codeTtlSeconds + THIRTY_MINUTES_S);
  });

  for (const [what, lateBy] of [
    ["exactly when the code expires", 0],
    ["25 minutes after the code expired", 25 * 60 * 1000],
  ] as const) {
    it(`answers [5122] to the mailed code typed ${what}, and offers the way back to /login with the ID filled in`, async () => {
      const customer = await t.addCustomer();
      const { browser, code, maxAge } = await passwordStep(customer);
      letTimePass(browser, maxAge, t.config.codeTtlSeconds * 1000 + lateBy);
      const cookieSent = browser.cookies.has(PREAUTH);
      const response = await browser.post("/login/mfa", { form: { code } });
      assert.equal(response.statusCode, 401);
      assert.doesNotMatch(response.body, /\[5121\]/);
      assert.match(response.body, /\[5122\] 認証コードの有効期限が切れました。もう一度ログインしてください。/);
      assert.ok(cookieSent, "the browser still sent the pre-auth cookie");
      assert.doesNotMatch(response.body, /name="code"/, "no code form for an expired code");
      // Issue 21, item 1: 「もう一度ログインする」 fills in the login ID from the pre-auth state, so
      // the cookie stays (its Max-Age, or the next login, ends it) and the link names no ID.
      assert.match(response.body, /href="\/login\?again=1"/);
      assert.equal(browser.cookies.has(PREAUTH), true, "the pre-auth cookie stays for 「もう一度ログインする」");
    });
  }

  it("answers [5122] in English too", async () => {
    const customer = await t.addCustomer();
    const { browser, code, maxAge } = await passwordStep(customer);
    letTimePass(browser, maxAge, t.config.codeTtlSeconds * 1000 + 60_000);
    const response = await browser.post("/login/mfa?lang=en", { form: { code } });
    assert.equal(response.statusCode, 401);
    assert.match(response.body, /\[5122\] The authentication code has expired\. Please log in again\./);
  });
});
