import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import * as oidc from "openid-client";
import { sharedTestService } from "../support/test-service.ts";
import type { TestCustomer } from "../support/test-service.ts";
import type { WebClient } from "../support/web-client.ts";
import { authorizeAndRedeem, discoverAs, follow, listenAtPublicUrl, logInOnOurPages } from "../support/oidc-relying-party.ts";
import { LogoutTokenReceiver } from "../support/logout-token-receiver.ts";
import { freePort } from "../support/free-port.ts";
import { pageLogin } from "../support/page-login.ts";

const REDIRECT = "https://trade.okb-sec.example/callback";
const AFTER_LOGOUT = "https://trade.okb-sec.example/logged-out";

// Issue 20 item 6: whenever an okb-login session ends, every client holding a grant through it gets a
// signed logout token (sid, sub, the event) within 10 s, retried while it is down; the session's
// refresh tokens stop working; RP-initiated logout ends the okb-login session too.
describe("OpenID Connect: logout everywhere", () => {
  const t = sharedTestService(async () => {
    const port = await freePort();
    return { realTimeClock: true, env: { PUBLIC_URL: `http://localhost:${port}`, PORT: String(port) }, logoutDelivery: { firstBackoffMs: 200, maxBackoffMs: 400 } };
  });
  // Made once the service runs (its issuer and JWKS are known then).
  let receiver!: LogoutTokenReceiver;
  let receiverUrl = "";
  const clientIds: string[] = [];
  after(() => receiver?.close());

  /** A customer logged in for a back-channel client in `browser`; the ID token's sid and the refresh token. */
  async function connected(customer: TestCustomer, browser: WebClient): Promise<{ config: oidc.Configuration; sid: string; refreshToken: string; idToken: string }> {
    await listenAtPublicUrl(t);
    if (receiverUrl === "") {
      receiver = new LogoutTokenReceiver({ issuer: t.config.publicUrl, jwksUri: `${t.config.publicUrl}/oidc/jwks`, clientIds: () => clientIds });
      receiverUrl = await receiver.listen();
    }
    const registered = await t.addClient({ redirectUris: [REDIRECT], postLogoutRedirectUris: [AFTER_LOGOUT], backchannelLogoutUri: receiverUrl });
    clientIds.push(registered.client.clientId);
    const config = await discoverAs(t, registered);
    const { tokens } = await authorizeAndRedeem(t, browser, config, REDIRECT, {
      params: { scope: "openid offline_access", prompt: "consent" },
      logIn: () => logInOnOurPages(t, browser, customer),
    });
    return { config, sid: String(tokens.claims()?.["sid"]), refreshToken: tokens.refresh_token ?? "", idToken: tokens.id_token ?? "" };
  }

  async function assertLoggedOut(customer: TestCustomer, link: { config: oidc.Configuration; sid: string; refreshToken: string }, what: string): Promise<void> {
    const token = await receiver.tokenFor(link.sid);
    assert.ok(token !== null, `${what}: a logout token for the sid within 10 s`);
    assert.equal(token["sub"], customer.customer.id);
    await assert.rejects(oidc.refreshTokenGrant(link.config, link.refreshToken), (error: unknown) => error instanceof oidc.ResponseBodyError && error.error === "invalid_grant", `${what}: the refresh token stops working`);
  }

  const ends: Array<{ what: string; end: (customer: TestCustomer, browser: WebClient) => Promise<void> }> = [
    { what: "logout on our pages", end: async (_customer, browser) => void (await browser.post("/logout", { form: {} })) },
    {
      what: "ご利用中の端末: another device ends the others",
      end: async (customer) => {
        const other = await pageLogin(t, customer);
        assert.equal((await other.post("/sessions/end-others", { form: {} })).statusCode, 303);
      },
    },
    {
      what: "the call center ends the sessions",
      end: async (customer) => {
        const { client } = await t.consoleClient();
        const response = await client.post(`/console/api/v1/customers/${customer.loginId}/end-sessions`, { json: { reason: "お客さまからのご依頼（テスト）" } });
        assert.equal(response.statusCode, 200, response.body);
      },
    },
    { what: "a freeze", end: async (customer, browser) => assert.equal((await browser.post("/api/v1/account/freeze", { json: { password: customer.password } })).statusCode, 200) },
    {
      what: "a lock (wrong passwords)",
      end: async (customer) => {
        const attacker = t.client({ ip: "198.51.100.7" });
        for (let i = 0; i < t.config.lockoutThreshold; i += 1) {
          await attacker.post("/api/v1/login", { json: { loginId: customer.loginId, password: "wrong password attempt" } });
        }
      },
    },
  ];

  for (const { what, end } of ends) {
    it(`${what}: the client receives a verified logout token for its sid, and its refresh token stops working`, async () => {
      const customer = await t.addCustomer();
      const browser = t.client();
      const link = await connected(customer, browser);
      await t.drainOutbox();
      await end(customer, browser);
      await assertLoggedOut(customer, link, what);
    });
  }

  it("a password change ends every token of the customer, even of the session it keeps", async () => {
    const customer = await t.addCustomer();
    const browser = t.client();
    const link = await connected(customer, browser);
    const n = t.smtp.mails.filter((mail) => mail.to === customer.email && mail.subject.includes("認証コード")).length + 1;
    assert.equal((await browser.post("/api/v1/password/code", { json: {} })).statusCode, 200);
    const code = await t.codeFor(customer.email, n);
    const changed = await browser.post("/api/v1/password", { json: { currentPassword: customer.password, newPassword: "a brand new passphrase 2026", code } });
    assert.equal(changed.statusCode, 200, changed.body);
    assert.equal((await browser.get("/api/v1/session")).statusCode, 200, "this session goes on");
    await assertLoggedOut(customer, link, "password change");
  });

  it("a client that is down gets the logout token once it is back (retried with backoff)", async () => {
    const customer = await t.addCustomer();
    const browser = t.client();
    const link = await connected(customer, browser);
    receiver.down = true;
    await browser.post("/logout", { form: {} });
    await new Promise((resolve) => setTimeout(resolve, 700));
    assert.equal(await receiver.tokenFor(link.sid, 1), null);
    receiver.down = false;
    // The retry is due by the service's clock (the test's), after its backoff.
    t.clock.advance(5_000);
    assert.ok((await receiver.tokenFor(link.sid)) !== null, "delivered after the client came back");
  });

  it("RP-initiated logout: our confirmation page, then the okb-login session ends, the browser goes to post_logout_redirect_uri, and the other client hears of it", async () => {
    const customer = await t.addCustomer();
    const browser = t.client();
    const other = await connected(customer, browser);
    const initiating = await connected(customer, browser);
    const url = oidc.buildEndSessionUrl(initiating.config, { id_token_hint: initiating.idToken, post_logout_redirect_uri: AFTER_LOGOUT, state: "bye" });
    const page = await follow(t, browser, url.href, AFTER_LOGOUT);
    assert.ok("page" in page && page.status === 200, "a confirmation page");
    assert.match(page.body, /ログアウトの確認/);
    const xsrf = /name="xsrf" value="([^"]+)"/u.exec(page.body)?.[1];
    const action = /<form[^>]*action="([^"]+)"/u.exec(page.body)?.[1];
    assert.ok(xsrf !== undefined && action !== undefined, "the provider's form");
    const confirmed = await browser.post(new URL(action, t.config.publicUrl).pathname, { form: { xsrf, logout: "yes" }, csrf: false, headers: { host: new URL(t.config.publicUrl).host } });
    assert.equal(confirmed.statusCode, 303, confirmed.body.slice(0, 300));
    assert.ok(String(confirmed.headers.location).startsWith(`${AFTER_LOGOUT}?state=bye`), String(confirmed.headers.location));
    assert.equal((await browser.get("/api/v1/session")).statusCode, 401, "the okb-login session ended");
    assert.ok((await receiver.tokenFor(other.sid)) !== null, "the other client of the session is told");
  });
});
