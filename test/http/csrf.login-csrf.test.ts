import { before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { LightMyRequestResponse } from "fastify";
import { sharedTestService } from "../support/test-service.ts";
import type { TestCustomer } from "../support/test-service.ts";
import type { WebClient } from "../support/web-client.ts";
import { writtenState } from "../support/written-state.ts";

const CSRF = "__Host-okb_csrf";
const SESSION = "__Host-okb_session";

/**
 * Login CSRF (DESIGN §4): a page elsewhere auto-submits our login form with the
 * attacker's (or a victim's) ID and password, so the browser gets a code mailed
 * or ends up logged in to an account it did not choose. Each form carries a token
 * bound to a secret cookie no other site can read or set; without the right
 * token a POST is refused before the handler: no challenge, no mail, no session.
 */
describe("login CSRF: the login forms need the page's token", () => {
  const t = sharedTestService();
  let ipCounter = 0;

  /** A browser with its own address, so no per-IP limit can mix into the results. */
  function browser(): WebClient {
    ipCounter += 1;
    return t.client({ ip: `192.0.2.${ipCounter}` });
  }

  /** A browser that loaded /login: it holds the CSRF cookie and its form's token. */
  async function onLoginPage(): Promise<WebClient> {
    const client = browser();
    assert.equal((await client.get("/login")).statusCode, 200);
    assert.ok(client.cookies.has(CSRF) && client.csrfToken !== null, "the page set the cookie and showed a token");
    return client;
  }

  /** Sends `send()` and checks it was refused as CSRF and changed nothing. */
  async function expectRefused(what: string, send: () => Promise<LightMyRequestResponse>): Promise<void> {
    const earlier = await writtenState(t);
    const response = await send();
    assert.equal(response.statusCode, 403, `${what}: status`);
    assert.match(response.body, /\[4030\] /, `${what}: our error page`);
    assert.equal(response.cookies.filter((cookie) => cookie.value !== "").length, 0, `${what}: no cookie set`);
    assert.deepEqual(await writtenState(t), earlier, `${what}: nothing written, no mail queued`);
  }

  it("puts a hidden _csrf field in the login form and sets the secret cookie Secure, HttpOnly, SameSite=Strict, Path=/", async () => {
    const response = await browser().get("/login");
    assert.match(response.body, /<form method="post" action="\/login" class="card">\s*<input type="hidden" name="_csrf" value="[^"]{20,}">/);
    const cookie = response.cookies.find((c) => c.name === CSRF);
    assert.ok(cookie !== undefined, "the CSRF secret cookie");
    assert.equal(cookie.secure, true);
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, "Strict");
    assert.equal(cookie.path, "/");
    assert.equal(cookie.domain, undefined);
    assert.ok(!response.body.includes(cookie.value), "the secret itself is not in the page");
  });

  it("refuses POST /login without a token, with a wrong one, or with another browser's: 403, no challenge, no code mail", async () => {
    const customer = await t.addCustomer();
    const credentials = { loginId: customer.loginId, password: customer.password };
    const mine = await onLoginPage();
    const other = await onLoginPage();
    const otherToken = other.csrfToken ?? "";
    assert.notEqual(otherToken, mine.csrfToken);

    await expectRefused("no token", () => mine.post("/login", { form: credentials, csrf: false }));
    await expectRefused("empty token", () => mine.post("/login", { form: { _csrf: "", ...credentials } }));
    await expectRefused("a made-up token", () => mine.post("/login", { form: { _csrf: "x1y2z3-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", ...credentials } }));
    await expectRefused("another browser's token with this browser's cookie", () => mine.post("/login", { form: { _csrf: otherToken, ...credentials } }));
    await expectRefused("the token twice", () =>
      mine.post("/login", { body: new URLSearchParams([["_csrf", mine.csrfToken ?? ""], ["_csrf", mine.csrfToken ?? ""], ...Object.entries(credentials)]).toString(), headers: { "content-type": "application/x-www-form-urlencoded" } }),
    );
    await expectRefused("the token in the URL instead of the form", () => mine.post(`/login?_csrf=${encodeURIComponent(mine.csrfToken ?? "")}`, { form: credentials, csrf: false }));
    // A page elsewhere cannot read or set the __Host- cookie; a browser without it has no secret to match.
    const cookieless = browser();
    await expectRefused("a valid token but no CSRF cookie", () => cookieless.post("/login", { form: { _csrf: mine.csrfToken ?? "", ...credentials } }));

    // Nothing was queued above: once the outbox has delivered all that was due, no code mail, none waiting.
    await t.drainOutbox();
    assert.equal(t.smtp.mails.filter((mail) => mail.to === customer.email).length, 0, "no code mail");
    assert.deepEqual((await t.pendingMails()).filter((mail) => mail.recipient === customer.email), [], "none in the outbox");

    // Control: the same request with the page's token goes through.
    const response = await mine.post("/login", { form: credentials });
    assert.equal(response.statusCode, 303);
    assert.equal(response.headers.location, "/login/mfa");
    await t.codeFor(customer.email);
  });

  describe("the code step", () => {
    let customer: TestCustomer;
    let client: WebClient;
    let code: string;
    before(async () => {
      customer = await t.addCustomer();
      client = browser();
      assert.equal((await client.post("/login", { form: { loginId: customer.loginId, password: customer.password } })).statusCode, 303);
      code = await t.codeFor(customer.email);
      const page = await client.get("/login/mfa");
      assert.match(page.body, /<form method="post" action="\/login\/mfa" class="card">\s*<input type="hidden" name="_csrf" value="[^"]{20,}">/);
    });

    it("refuses POST /login/mfa with the right code but no or a wrong token: no session, the code not used up", async () => {
      const other = await onLoginPage();
      await expectRefused("no token", () => client.post("/login/mfa", { form: { code }, csrf: false }));
      await expectRefused("another browser's token", () => client.post("/login/mfa", { form: { _csrf: other.csrfToken ?? "", code } }));
      assert.equal(client.cookies.has(SESSION), false);

      const response = await client.post("/login/mfa", { form: { code } });
      assert.equal(response.statusCode, 303, "control: with the token the same code logs in");
      assert.equal(response.headers.location, "/");
      assert.ok(client.cookies.has(SESSION));
    });
  });
});
