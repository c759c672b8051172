import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { sharedTestService } from "../support/test-service.ts";
import { authorizeAndRedeem, discoverAs, follow, listenAtPublicUrl, logInOnOurPages, redeem, startAuthorization } from "../support/oidc-relying-party.ts";
import { authenticatorFor, passkeyLogin, registerPasskey } from "../support/passkeys.ts";
import { visibleText } from "../support/page-login.ts";
import { freePort } from "../support/free-port.ts";

const REDIRECT = "https://trade.okb-sec.example/callback";
const PASSKEY = "urn:okb:acr:passkey";

// Issue 20 item 5: acr_values=urn:okb:acr:passkey makes the customer use a passkey even inside a live
// session; a customer with no passkey is sent back with error=unmet_authentication_requirements.
describe("OpenID Connect: the passkey step-up a trading site asks for", () => {
  const t = sharedTestService(async () => {
    const port = await freePort();
    return { realTimeClock: true, env: { PUBLIC_URL: `http://localhost:${port}`, PORT: String(port) } };
  });

  it("inside a password + code session: our passkey page, then back with acr passkey, amr hwk and a new auth_time", async () => {
    await listenAtPublicUrl(t);
    const customer = await t.addCustomer();
    const config = await discoverAs(t, await t.addClient({ redirectUris: [REDIRECT], name: "OKB取引サイト" }));
    const browser = t.client();
    const first = await authorizeAndRedeem(t, browser, config, REDIRECT, { logIn: () => logInOnOurPages(t, browser, customer) });
    assert.equal(first.tokens.claims()?.["acr"], "urn:okb:acr:mfa");
    const authenticator = authenticatorFor(t);
    await registerPasskey(t, customer, browser, authenticator);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    t.clock.advance(Date.now() - t.clock.now());

    const started = await startAuthorization(config, REDIRECT, { acr_values: PASSKEY });
    const reached = await follow(t, browser, started.url.href, REDIRECT);
    assert.ok("page" in reached && reached.status === 200 && reached.page.startsWith("/oidc/interaction/"), "the passkey page, not the client");
    assert.match(visibleText(reached.body), /「OKB取引サイト」が、パスキーでの本人確認を求めています。/);
    const { response } = await passkeyLogin(t, authenticator, {}, browser);
    assert.equal(response.statusCode, 200, response.body);
    const back = await follow(t, browser, "/", REDIRECT);
    assert.ok("callback" in back);
    const tokens = await redeem(config, back.callback, started);
    const claims = tokens.claims();
    assert.equal(claims?.["acr"], PASSKEY);
    assert.ok((claims?.["amr"] as string[]).includes("hwk"));
    assert.ok(Number(claims?.auth_time) > Number(first.tokens.claims()?.auth_time));
    assert.equal(claims?.sub, customer.customer.id);
  });

  it("a customer with no passkey: back to the client with error=unmet_authentication_requirements, nothing else changed", async () => {
    await listenAtPublicUrl(t);
    const customer = await t.addCustomer();
    const config = await discoverAs(t, await t.addClient({ redirectUris: [REDIRECT] }));
    const browser = t.client();
    await authorizeAndRedeem(t, browser, config, REDIRECT, { logIn: () => logInOnOurPages(t, browser, customer) });
    const started = await startAuthorization(config, REDIRECT, { acr_values: PASSKEY });
    const reached = await follow(t, browser, started.url.href, REDIRECT);
    assert.ok("callback" in reached);
    assert.equal(reached.callback.searchParams.get("error"), "unmet_authentication_requirements");
    assert.equal(reached.callback.searchParams.get("state"), started.state);
    assert.equal(reached.callback.searchParams.get("iss"), t.config.publicUrl);
    // Still logged in on our pages.
    assert.equal((await browser.get("/")).statusCode, 200);
  });

  it("「ご利用のサービスに戻る」 on the passkey page sends the client access_denied", async () => {
    await listenAtPublicUrl(t);
    const customer = await t.addCustomer();
    const config = await discoverAs(t, await t.addClient({ redirectUris: [REDIRECT] }));
    const browser = t.client();
    await authorizeAndRedeem(t, browser, config, REDIRECT, { logIn: () => logInOnOurPages(t, browser, customer) });
    await registerPasskey(t, customer, browser, authenticatorFor(t));
    const started = await startAuthorization(config, REDIRECT, { acr_values: PASSKEY });
    const reached = await follow(t, browser, started.url.href, REDIRECT);
    assert.ok("page" in reached);
    const cancel = /id="step-up-cancel" href="([^"]+)"|href="([^"]+)" id="step-up-cancel"/u.exec(reached.body);
    const href = cancel?.[1] ?? cancel?.[2];
    assert.ok(href !== undefined, "a way back");
    const back = await follow(t, browser, href, REDIRECT);
    assert.ok("callback" in back);
    assert.equal(back.callback.searchParams.get("error"), "access_denied");
  });
});
