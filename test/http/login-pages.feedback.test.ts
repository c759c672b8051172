import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { sharedTestService } from "../support/test-service.ts";
import { wrongCodeFor } from "../support/codes.ts";

/** The start tag of the element with `id`. */
function tagOf(html: string, id: string): string {
  const tag = new RegExp(`<[a-z]+ [^>]*id="${id}"[^>]*>`).exec(html)?.[0];
  assert.ok(tag, `an element with id="${id}"`);
  return tag;
}

/**
 * Issue 11, item e, in the markup (the browser test checks what Chromium makes of it):
 * after an error the error box takes focus and is announced, the field in error is
 * aria-invalid and described by the error; the call center's number is a tel: link;
 * logout ends on a confirmation.
 */
describe("login pages: what the customer is told after an error, a logout, and how to call", () => {
  const t = sharedTestService();

  it("after a wrong password: the error box is an alert that takes focus, both fields are aria-invalid and described by it", async () => {
    const page = await t.client().post("/login", { form: { loginId: "nobody-here", password: "wrong password" } });
    assert.equal(page.statusCode, 401);
    const box = tagOf(page.body, "error");
    assert.match(box, /role="alert"/);
    assert.match(box, /tabindex="-1"/);
    assert.match(box, /autofocus/);
    for (const field of ["loginId", "password"]) {
      const input = tagOf(page.body, field);
      assert.match(input, /aria-invalid="true"/, field);
      assert.match(input, /aria-describedby="error"/, field);
    }
  });

  it("marks nothing invalid on a fresh login page", async () => {
    const page = await t.client().get("/login");
    assert.doesNotMatch(page.body, /aria-invalid/);
    assert.doesNotMatch(page.body, /autofocus/);
  });

  it("after a wrong code: the code field is aria-invalid and described by the error and its help", async () => {
    const customer = await t.addCustomer();
    const browser = t.client();
    await browser.post("/login", { form: { loginId: customer.loginId, password: customer.password } });
    const fresh = await browser.get("/login/mfa");
    assert.doesNotMatch(tagOf(fresh.body, "code"), /aria-invalid/);
    assert.match(tagOf(fresh.body, "code"), /aria-describedby="code-help"/);
    const page = await browser.post("/login/mfa", { form: { code: wrongCodeFor(await t.codeFor(customer.email)) } });
    assert.equal(page.statusCode, 401);
    assert.match(tagOf(page.body, "error"), /autofocus/);
    const input = tagOf(page.body, "code");
    assert.match(input, /aria-invalid="true"/);
    assert.match(input, /aria-describedby="error code-help"/);
  });

  it("after logout: /login?loggedOut=1 with 「ログアウトしました。」 (English kept), and nothing on a plain /login", async () => {
    const customer = await t.addCustomer();
    for (const [n, lang, location, message] of [
      [1, "", "/login?loggedOut=1", "ログアウトしました。ご利用ありがとうございました。"],
      [2, "?lang=en", "/login?loggedOut=1&lang=en", "You have logged out. Thank you for using our service."],
    ] as const) {
      const browser = t.client();
      await browser.post("/login", { form: { loginId: customer.loginId, password: customer.password } });
      assert.equal((await browser.post("/login/mfa", { form: { code: await t.codeFor(customer.email, n) } })).statusCode, 303);
      assert.equal((await browser.get("/")).statusCode, 200);
      const logout = await browser.post(`/logout${lang}`, { form: {} });
      assert.equal(logout.statusCode, 303);
      assert.equal(logout.headers.location, location);
      const page = await browser.get(location);
      assert.equal(page.statusCode, 200);
      assert.ok(page.body.includes(`<p class="notice" role="status" id="logged-out">${message}</p>`), message);
      assert.equal((await browser.get("/")).statusCode, 303, "logged out for real");
    }
    assert.doesNotMatch((await t.client().get("/login")).body, /id="logged-out"/);
  });

  it("makes the call center's number a tel: link on every page, マイページ's notices included", async () => {
    const customer = await t.addCustomer({ mfaEnabled: false });
    const browser = t.client();
    assert.equal((await browser.post("/login", { form: { loginId: customer.loginId, password: customer.password } })).statusCode, 303);
    const myPage = await browser.get("/");
    assert.equal(myPage.statusCode, 200);
    const banner = /<div class="banner" role="alert" id="mfa-banner">([\s\S]*?)<\/div>/.exec(myPage.body)?.[1] ?? "";
    assert.match(banner, /再設定をご希望の場合は、コールセンターまでご連絡ください。/);
    assert.match(banner, /フリーダイヤル <a class="tel" href="tel:0120483744">0120-483744<\/a><br>受付時間 平日 9:00～17:00（土・日・祝日、年末年始を除く）/);
    const previous = /<section class="card" id="previous-login">([\s\S]*?)<\/section>/.exec(myPage.body)?.[1] ?? "";
    assert.match(previous, /コールセンター（<a class="tel" href="tel:0120483744">0120-483744<\/a>）までご連絡ください。/);
    for (const url of ["/login", "/login?lang=en", "/help", "/no-such-page"]) {
      const footer = /<footer class="site-footer">([\s\S]*?)<\/footer>/.exec((await t.client().get(url)).body)?.[1] ?? "";
      assert.match(footer, /<a class="tel" href="tel:0120483744">0120-483744<\/a>/, url);
    }
  });
});
