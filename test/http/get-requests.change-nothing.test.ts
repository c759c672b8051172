import { before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { sharedTestService } from "../support/test-service.ts";
import type { TestCustomer } from "../support/test-service.ts";
import type { WebClient } from "../support/web-client.ts";
import { writtenState } from "../support/written-state.ts";

const SESSION = "__Host-okb_session";

/**
 * DESIGN §4: no state change on GET. A link or an <img> on another site makes the
 * browser send GET with the session cookie (SameSite=Lax lets top-level GETs
 * through) and no CSRF token, so no GET may log in, send a code or log out.
 */
describe("GET requests change nothing", () => {
  const t = sharedTestService();
  let customer: TestCustomer;
  let loggedIn: WebClient;
  before(async () => {
    customer = await t.addCustomer();
    loggedIn = t.client({ ip: "192.0.2.90" });
    await loggedIn.post("/login", { form: { loginId: customer.loginId, password: customer.password } });
    assert.equal((await loggedIn.post("/login/mfa", { form: { code: await t.codeFor(customer.email) } })).statusCode, 303);
    assert.equal((await loggedIn.get("/")).statusCode, 200);
  });

  it("has no GET (or HEAD) logout: 404, and the session still works", async () => {
    for (const url of ["/logout", "/logout?_csrf=x", "/api/v1/logout"]) {
      const earlier = await writtenState(t);
      for (const method of ["GET", "HEAD"] as const) {
        const response = await t.service.app.inject({ method, url, headers: { cookie: `${SESSION}=${loggedIn.cookies.get(SESSION) ?? ""}` } });
        assert.equal(response.statusCode, 404, `${method} ${url}`);
        assert.equal(response.cookies.length, 0, `${method} ${url}: the session cookie is not cleared`);
      }
      assert.deepEqual(await writtenState(t), earlier, `GET ${url}: nothing written`);
    }
    assert.equal((await loggedIn.get("/")).statusCode, 200, "still logged in");
    assert.equal((await loggedIn.get("/api/v1/session")).statusCode, 200, "still logged in (API)");
  });

  it("does not take a password from the query string: GET /login?loginId=…&password=… sends no code", async () => {
    const browser = t.client({ ip: "192.0.2.91" });
    const query = new URLSearchParams({ loginId: customer.loginId, password: customer.password }).toString();
    const earlier = await writtenState(t);
    for (const url of [`/login?${query}`, `/api/v1/login?${query}`, `/login/mfa?${query}`]) {
      const response = await browser.get(url);
      assert.notEqual(response.headers.location, "/login/mfa", `${url}: not sent on to the code step`);
    }
    assert.deepEqual(await writtenState(t), earlier, "no challenge, no mail queued");
    assert.equal(browser.cookies.has("__Host-okb_preauth"), false);
  });

  it("does not take a code from the query string: GET /login/mfa?code=… logs nobody in", async () => {
    const second = await t.addCustomer();
    const browser = t.client({ ip: "192.0.2.92" });
    await browser.post("/login", { form: { loginId: second.loginId, password: second.password } });
    const code = await t.codeFor(second.email);
    const earlier = await writtenState(t);
    for (const url of [`/login/mfa?code=${code}`, `/api/v1/login/mfa?code=${code}`]) {
      await browser.get(url);
    }
    assert.equal(browser.cookies.has(SESSION), false, "no session");
    assert.deepEqual(await writtenState(t), earlier, "the challenge is untouched (no attempt counted)");
    // The code still works where it belongs.
    assert.equal((await browser.post("/login/mfa", { form: { code } })).statusCode, 303);
  });
});
