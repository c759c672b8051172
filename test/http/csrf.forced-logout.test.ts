import { before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { sharedTestService } from "../support/test-service.ts";
import type { WebClient } from "../support/web-client.ts";
import { writtenState } from "../support/written-state.ts";

const SESSION = "__Host-okb_session";

/**
 * Forced logout (DESIGN §4): a page elsewhere posts our logout form so the
 * customer's session ends behind their back. Without the マイページ form's token
 * the POST is refused and the session lives on.
 */
describe("forced logout: POST /logout needs the page's CSRF token", () => {
  const t = sharedTestService();
  let browser: WebClient;
  before(async () => {
    const customer = await t.addCustomer();
    browser = t.client({ ip: "192.0.2.80" });
    await browser.post("/login", { form: { loginId: customer.loginId, password: customer.password } });
    assert.equal((await browser.post("/login/mfa", { form: { code: await t.codeFor(customer.email) } })).statusCode, 303);
  });

  it("puts a hidden _csrf field in the logout form on マイページ", async () => {
    const page = await browser.get("/");
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<form method="post" action="\/logout">\s*<input type="hidden" name="_csrf" value="[^"]{20,}">/);
  });

  it("refuses POST /logout without a token or with another browser's: 403, the session still works", async () => {
    const stranger = t.client({ ip: "192.0.2.81" });
    await stranger.get("/login");
    const cases: Array<[string, () => ReturnType<WebClient["post"]>]> = [
      ["no token (the form without its field)", () => browser.post("/logout", { form: {}, csrf: false })],
      ["no body at all", () => browser.post("/logout")],
      ["another browser's token", () => browser.post("/logout", { form: { _csrf: stranger.csrfToken ?? "" } })],
    ];
    for (const [what, send] of cases) {
      const earlier = await writtenState(t);
      const response = await send();
      assert.equal(response.statusCode, 403, what);
      assert.match(response.body, /\[4030\] /, what);
      assert.equal(response.cookies.length, 0, `${what}: the session cookie is not cleared`);
      assert.deepEqual(await writtenState(t), earlier, `${what}: the session row is untouched`);
    }
    assert.ok(browser.cookies.has(SESSION));
    assert.equal((await browser.get("/")).statusCode, 200, "still logged in");
  });

  it("control: with the token the logout form ends the session", async () => {
    await browser.get("/");
    const response = await browser.post("/logout", { form: {} });
    assert.equal(response.statusCode, 303);
    assert.equal(browser.cookies.has(SESSION), false);
    assert.equal((await browser.get("/")).statusCode, 303, "logged out");
  });
});
