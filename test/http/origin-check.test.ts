import { before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { LightMyRequestResponse } from "fastify";
import { sharedTestService } from "../support/test-service.ts";
import type { WebClient } from "../support/web-client.ts";
import { writtenState } from "../support/written-state.ts";

/**
 * Cross-site requests (DESIGN §4): a page on another origin, including a sibling
 * subdomain that SameSite=Lax cookies would reach, makes the browser post to us.
 * Every non-GET request whose Origin is not PUBLIC_URL's, or whose Sec-Fetch-Site
 * is not same-origin/none, is refused before anything runs, HTML and /api/v1 alike.
 * The HTML requests here carry a valid CSRF token, so only the origin check stops them.
 */
describe("origin check: state-changing requests from another origin are refused", () => {
  const t = sharedTestService();
  let ownOrigin: string;
  let ipCounter = 0;
  before(async () => {
    ownOrigin = new URL(t.config.publicUrl).origin;
  });

  function client(): WebClient {
    ipCounter += 1;
    return t.client({ ip: `192.0.2.${ipCounter}` });
  }

  const CROSS_SITE: Array<Record<string, string>> = [
    { origin: "https://evil.example" },
    // A sandboxed frame or a privacy-stripped cross-site post.
    { origin: "null" },
    { origin: "https://evil.example", "sec-fetch-site": "cross-site" },
    { "sec-fetch-site": "cross-site" },
    { "sec-fetch-site": "same-site" },
  ];
  /** Near misses of our own origin: another scheme, another port, a prefix match. */
  function lookalikes(): Array<Record<string, string>> {
    const own = new URL(ownOrigin);
    const otherScheme = new URL(ownOrigin);
    otherScheme.protocol = own.protocol === "https:" ? "http:" : "https:";
    const otherPort = new URL(ownOrigin);
    otherPort.port = String(Number(own.port || 443) + 1);
    return [
      { origin: otherScheme.origin },
      { origin: otherPort.origin },
      { origin: `${ownOrigin}.evil.example` },
      // The right Origin does not excuse a cross-site fetch.
      { origin: ownOrigin, "sec-fetch-site": "cross-site" },
    ];
  }
  const SAME_ORIGIN = (): Record<string, string> => ({ origin: ownOrigin, "sec-fetch-site": "same-origin" });

  /** Sends `send(headers)` for every cross-site header set: 403 each time, nothing written. */
  async function expectAllRefused(what: string, send: (headers: Record<string, string>) => Promise<LightMyRequestResponse>): Promise<void> {
    for (const headers of [...CROSS_SITE, ...lookalikes()]) {
      const label = `${what} ${JSON.stringify(headers)}`;
      const earlier = await writtenState(t);
      const response = await send(headers);
      assert.equal(response.statusCode, 403, `${label}: status (${response.body.slice(0, 120)})`);
      if (what.includes("/api/")) {
        assert.equal(response.json().error.code, "4030", label);
      } else {
        assert.match(response.body, /\[4030\] /, label);
      }
      assert.equal(response.cookies.filter((cookie) => cookie.value !== "").length, 0, `${label}: no cookie set`);
      assert.deepEqual(await writtenState(t), earlier, `${label}: nothing written`);
    }
  }

  it("POST /login: refused cross-site; same-origin passes", async () => {
    const customer = await t.addCustomer();
    const browser = client();
    const form = { loginId: customer.loginId, password: customer.password };
    await expectAllRefused("POST /login", (headers) => browser.post("/login", { form, headers }));
    assert.equal((await browser.post("/login", { form, headers: SAME_ORIGIN() })).statusCode, 303, "same-origin");
    await t.codeFor(customer.email);
  });

  it("POST /login/mfa: refused cross-site with the right code; same-origin logs in", async () => {
    const customer = await t.addCustomer();
    const browser = client();
    await browser.post("/login", { form: { loginId: customer.loginId, password: customer.password } });
    const code = await t.codeFor(customer.email);
    await expectAllRefused("POST /login/mfa", (headers) => browser.post("/login/mfa", { form: { code }, headers }));
    const response = await browser.post("/login/mfa", { form: { code }, headers: SAME_ORIGIN() });
    assert.equal(response.statusCode, 303, "same-origin");
    assert.equal(response.headers.location, "/");
  });

  it("POST /logout: refused cross-site, the session lives on; same-origin logs out", async () => {
    const customer = await t.addCustomer();
    const browser = client();
    await browser.post("/login", { form: { loginId: customer.loginId, password: customer.password } });
    await browser.post("/login/mfa", { form: { code: await t.codeFor(customer.email) } });
    await browser.get("/");
    await expectAllRefused("POST /logout", (headers) => browser.post("/logout", { form: {}, headers }));
    assert.equal((await browser.get("/")).statusCode, 200, "still logged in");
    assert.equal((await browser.post("/logout", { form: {}, headers: SAME_ORIGIN() })).statusCode, 303, "same-origin");
    assert.equal((await browser.get("/")).statusCode, 303, "logged out");
  });

  it("POST /api/v1/login, /api/v1/login/mfa and /api/v1/logout: refused cross-site; same-origin and header-less (the app) pass", async () => {
    const customer = await t.addCustomer();
    const app = client();
    const credentials = { loginId: customer.loginId, password: customer.password };
    await expectAllRefused("POST /api/v1/login", (headers) => app.post("/api/v1/login", { json: credentials, headers }));
    assert.equal((await app.post("/api/v1/login", { json: credentials, headers: SAME_ORIGIN() })).statusCode, 200, "same-origin");
    const code = await t.codeFor(customer.email);

    await expectAllRefused("POST /api/v1/login/mfa", (headers) => app.post("/api/v1/login/mfa", { json: { code }, headers }));
    // The smartphone app sends neither header.
    assert.equal((await app.post("/api/v1/login/mfa", { json: { code } })).statusCode, 200, "no Origin, no Sec-Fetch-Site");

    await expectAllRefused("POST /api/v1/logout", (headers) => app.post("/api/v1/logout", { headers }));
    assert.equal((await app.get("/api/v1/session")).statusCode, 200, "still logged in");
    // `none`: a request the person started, not a page.
    assert.equal((await app.post("/api/v1/logout", { headers: { "sec-fetch-site": "none" } })).statusCode, 200, "Sec-Fetch-Site: none");
    assert.equal((await app.get("/api/v1/session")).statusCode, 401, "logged out");
  });

  it("refuses a cross-site request before reading its body (403, not the body's 400)", async () => {
    const response = await client().post("/api/v1/login", { body: "{broken", headers: { "content-type": "application/json", origin: "https://evil.example" } });
    assert.equal(response.statusCode, 403);
  });

  it("leaves GET alone: a cross-site link to /login still shows the page", async () => {
    const response = await client().get("/login", { headers: { "sec-fetch-site": "cross-site" } });
    assert.equal(response.statusCode, 200);
  });
});
