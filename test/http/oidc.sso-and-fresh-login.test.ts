import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { sharedTestService } from "../support/test-service.ts";
import { authorizeAndRedeem, discoverAs, follow, listenAtPublicUrl, logInOnOurPages, startAuthorization } from "../support/oidc-relying-party.ts";
import { freePort } from "../support/free-port.ts";

const REDIRECT = "https://trade.okb-sec.example/callback";

// Issue 20 items 3 and 5: a live okb-login session completes the authorization without asking (single
// sign-on); prompt=login and max_age make the customer log in again, and auth_time shows it; a logout on
// our pages ends single sign-on too.
describe("OpenID Connect: single sign-on and a fresh login", () => {
  const t = sharedTestService(async () => {
    const port = await freePort();
    return { realTimeClock: true, env: { PUBLIC_URL: `http://localhost:${port}`, PORT: String(port) } };
  });

  it("a second authorization in the same browser completes at once, with the same auth_time and sid", async () => {
    await listenAtPublicUrl(t);
    const customer = await t.addCustomer();
    const config = await discoverAs(t, await t.addClient({ redirectUris: [REDIRECT] }));
    const browser = t.client();
    const first = await authorizeAndRedeem(t, browser, config, REDIRECT, { logIn: () => logInOnOurPages(t, browser, customer) });
    assert.equal(first.loginShown, true);
    const second = await authorizeAndRedeem(t, browser, config, REDIRECT);
    assert.equal(second.loginShown, false);
    assert.equal(second.tokens.claims()?.auth_time, first.tokens.claims()?.auth_time);
    assert.equal(second.tokens.claims()?.["sid"], first.tokens.claims()?.["sid"]);
    // A second client in the same browser: single sign-on too, with a sid of its own.
    const other = await discoverAs(t, await t.addClient({ redirectUris: [REDIRECT] }));
    const third = await authorizeAndRedeem(t, browser, other, REDIRECT);
    assert.equal(third.loginShown, false);
    assert.equal(third.tokens.claims()?.sub, customer.customer.id);
  });

  it("prompt=login and max_age send the customer to the login page even inside a live session; the new auth_time is later", async () => {
    await listenAtPublicUrl(t);
    const customer = await t.addCustomer();
    const config = await discoverAs(t, await t.addClient({ redirectUris: [REDIRECT] }));
    const browser = t.client();
    const first = await authorizeAndRedeem(t, browser, config, REDIRECT, { logIn: () => logInOnOurPages(t, browser, customer) });
    const before = Number(first.tokens.claims()?.auth_time);
    // auth_time has a resolution of one second.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    t.clock.advance(Date.now() - t.clock.now());
    const again = await authorizeAndRedeem(t, browser, config, REDIRECT, { params: { prompt: "login" }, logIn: () => logInOnOurPages(t, browser, customer) });
    assert.equal(again.loginShown, true, "prompt=login shows the login page");
    const after = Number(again.tokens.claims()?.auth_time);
    assert.ok(after > before, `auth_time ${after} after ${before}`);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    t.clock.advance(Date.now() - t.clock.now());
    const aged = await authorizeAndRedeem(t, browser, config, REDIRECT, { params: { max_age: "0" }, logIn: () => logInOnOurPages(t, browser, customer) });
    assert.equal(aged.loginShown, true, "max_age=0 shows the login page");
    assert.ok(Number(aged.tokens.claims()?.auth_time) > after);
    const relaxed = await authorizeAndRedeem(t, browser, config, REDIRECT, { params: { max_age: "3600" } });
    assert.equal(relaxed.loginShown, false, "a login within max_age is enough");
  });

  it("after a logout on our pages the client's next authorization asks for the login again", async () => {
    await listenAtPublicUrl(t);
    const customer = await t.addCustomer();
    const config = await discoverAs(t, await t.addClient({ redirectUris: [REDIRECT] }));
    const browser = t.client();
    await authorizeAndRedeem(t, browser, config, REDIRECT, { logIn: () => logInOnOurPages(t, browser, customer) });
    const logout = await browser.post("/logout", { form: {} });
    assert.equal(logout.statusCode, 303);
    const started = await startAuthorization(config, REDIRECT);
    const reached = await follow(t, browser, started.url.href, REDIRECT);
    assert.ok("page" in reached && reached.page === "/login", "no single sign-on after the logout");
  });

  it("another customer's login in the same browser is that customer's, with a new sid", async () => {
    await listenAtPublicUrl(t);
    const first = await t.addCustomer();
    const second = await t.addCustomer();
    const config = await discoverAs(t, await t.addClient({ redirectUris: [REDIRECT] }));
    const browser = t.client();
    const one = await authorizeAndRedeem(t, browser, config, REDIRECT, { logIn: () => logInOnOurPages(t, browser, first) });
    await browser.post("/logout", { form: {} });
    const two = await authorizeAndRedeem(t, browser, config, REDIRECT, { logIn: () => logInOnOurPages(t, browser, second) });
    assert.equal(two.tokens.claims()?.sub, second.customer.id);
    assert.notEqual(two.tokens.claims()?.["sid"], one.tokens.claims()?.["sid"]);
  });
});
