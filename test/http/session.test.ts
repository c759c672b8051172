import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { sharedTestService } from "../support/test-service.ts";
import type { WebClient } from "../support/web-client.ts";

describe("sessions and logout", () => {
  const t = sharedTestService({ env: { SESSION_IDLE_SECONDS: "1800", SESSION_ABSOLUTE_SECONDS: "43200" } });

  async function loggedIn(): Promise<WebClient> {
    const customer = await t.addCustomer();
    const browser = t.client();
    await browser.post("/login", { form: { loginId: customer.loginId, password: customer.password } });
    const response = await browser.post("/login/mfa", { form: { code: await t.codeFor(customer.email) } });
    assert.equal(response.statusCode, 303);
    return browser;
  }

  it("sends a visitor without a session from マイページ to /login", async () => {
    const response = await t.client().get("/");
    assert.equal(response.statusCode, 303);
    assert.equal(response.headers.location, "/login");
  });

  it("ends the session on the server at POST /logout: the old cookie no longer works", async () => {
    const browser = await loggedIn();
    const token = browser.cookies.get("__Host-okb_session") ?? "";
    // The logout button's form: only its hidden _csrf field, which the client adds.
    const response = await browser.post("/logout", { form: {} });
    assert.equal(response.statusCode, 303);
    assert.equal(response.headers.location, "/login?loggedOut=1", "to the login page, which confirms the logout (issue 11)");
    assert.equal(browser.cookies.has("__Host-okb_session"), false, "cookie cleared");
    const stolen = t.client();
    stolen.cookies.set("__Host-okb_session", token);
    assert.equal((await stolen.get("/")).statusCode, 303, "the token is dead on the server too");
  });

  it("gives a new session token at every login", async () => {
    const customer = await t.addCustomer();
    const tokens = new Set<string>();
    for (let n = 1; n <= 2; n += 1) {
      const browser = t.client();
      await browser.post("/login", { form: { loginId: customer.loginId, password: customer.password } });
      await browser.post("/login/mfa", { form: { code: await t.codeFor(customer.email, n) } });
      tokens.add(browser.cookies.get("__Host-okb_session") ?? "");
    }
    assert.equal(tokens.size, 2);
  });

  it("ends a session idle for 30 minutes", async () => {
    const browser = await loggedIn();
    t.clock.advance(29 * 60 * 1000);
    assert.equal((await browser.get("/")).statusCode, 200, "still alive after 29 idle minutes");
    t.clock.advance(29 * 60 * 1000);
    assert.equal((await browser.get("/")).statusCode, 200, "each visit resets the idle timer");
    t.clock.advance(30 * 60 * 1000);
    assert.equal((await browser.get("/")).statusCode, 303);
  });

  it("ends any session 12 hours after login, however active", async () => {
    const browser = await loggedIn();
    // A visit every 20 minutes keeps it from idling out; 35 visits reach 11 h 40 min.
    for (let visit = 1; visit <= 35; visit += 1) {
      t.clock.advance(20 * 60 * 1000);
      assert.equal((await browser.get("/")).statusCode, 200, `visit ${visit}`);
    }
    t.clock.advance(20 * 60 * 1000);
    assert.equal((await browser.get("/")).statusCode, 303, "12 hours after login");
  });

  it("marks authenticated pages as not cacheable", async () => {
    const browser = await loggedIn();
    const page = await browser.get("/");
    assert.equal(page.headers["cache-control"], "no-store");
  });
});
