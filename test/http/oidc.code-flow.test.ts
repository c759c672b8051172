import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { decodeJwt } from "jose";
import { sharedTestService } from "../support/test-service.ts";
import { nextCodeMail } from "../support/page-login.ts";
import { discoverAs, follow, redeem, startAuthorization } from "../support/oidc-relying-party.ts";
import { freePort } from "../support/free-port.ts";

const REDIRECT = "https://trade.okb-sec.example/callback";

// Issue 20 items 1, 3, 4, 7: a trading site logs a customer in through okb-login with openid-client,
// from discovery alone; our pages do the login; the ID token says who, how and when; the access
// token works on the JSON API as the cookie does.
describe("OpenID Connect: the authorization code flow through our own login pages", () => {
  const t = sharedTestService(async () => {
    const port = await freePort();
    return { realTimeClock: true, env: { PUBLIC_URL: `http://localhost:${port}`, PORT: String(port) } };
  });
  const listening = async (): Promise<void> => {
    if (!t.service.app.server.listening) {
      await t.service.app.listen({ host: "127.0.0.1", port: Number(new URL(t.config.publicUrl).port) });
    }
  };

  it("discovery lists every endpoint, the code flow only, PKCE S256, ES256, iss in the response and our acr values", async () => {
    await listening();
    const response = await fetch(`${t.config.publicUrl}/.well-known/openid-configuration`);
    assert.equal(response.status, 200);
    const meta = (await response.json()) as Record<string, unknown>;
    assert.equal(meta["issuer"], t.config.publicUrl);
    for (const endpoint of ["authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri", "revocation_endpoint", "introspection_endpoint", "end_session_endpoint"]) {
      assert.match(String(meta[endpoint]), new RegExp(`^${t.config.publicUrl}/oidc/`), endpoint);
    }
    assert.deepEqual(meta["response_types_supported"], ["code"]);
    assert.deepEqual(meta["code_challenge_methods_supported"], ["S256"]);
    assert.deepEqual(meta["id_token_signing_alg_values_supported"], ["ES256"]);
    assert.equal(meta["authorization_response_iss_parameter_supported"], true);
    assert.equal(meta["backchannel_logout_supported"], true);
    assert.deepEqual(meta["acr_values_supported"], ["urn:okb:acr:passkey", "urn:okb:acr:mfa", "urn:okb:acr:password"]);
    // No signing algorithm list offers `none` ("none" is a client authentication method only: the app's PKCE).
    const algorithmLists = Object.entries(meta).filter(([key]) => key.endsWith("_alg_values_supported"));
    assert.ok(algorithmLists.some(([key]) => key === "id_token_signing_alg_values_supported"), algorithmLists.map(([key]) => key).join(", "));
    for (const [key, values] of algorithmLists) {
      assert.ok(!(values as string[]).includes("none"), `${key}: ${JSON.stringify(values)}`);
    }
  });

  it("without a session: our login page, password and emailed code, then back to the client with a code; the ID token names the customer opaquely", async () => {
    await listening();
    const customer = await t.addCustomer();
    const registered = await t.addClient({ redirectUris: [REDIRECT] });
    const config = await discoverAs(t, registered);
    const browser = t.client();
    const started = await startAuthorization(config, REDIRECT);
    const first = await follow(t, browser, started.url.href, REDIRECT);
    assert.ok("page" in first && first.page === "/login", `expected our login page, got ${JSON.stringify("page" in first ? first.page : first.callback.href)}`);
    const n = nextCodeMail(t, customer);
    const password = await browser.post("/login", { form: { loginId: customer.loginId, password: customer.password } });
    assert.equal(password.headers.location, "/login/mfa");
    const code = await browser.post("/login/mfa", { form: { code: await t.codeFor(customer.email, n) } });
    await t.drainOutbox();
    assert.equal(code.headers.location, "/");
    const back = await follow(t, browser, "/", REDIRECT);
    assert.ok("callback" in back, "マイページ sends the browser back to the client");
    assert.equal(back.callback.searchParams.get("iss"), t.config.publicUrl);
    const tokens = await redeem(config, back.callback, started);
    const claims = tokens.claims();
    assert.ok(claims !== undefined);
    assert.equal(claims.sub, customer.customer.id);
    assert.notEqual(claims.sub, customer.loginId);
    assert.equal(claims["preferred_username"], customer.loginId);
    assert.equal(claims["name"], customer.name);
    assert.equal(claims["acr"], "urn:okb:acr:mfa");
    assert.deepEqual(claims["amr"], ["pwd", "otp", "mfa"]);
    assert.equal(typeof claims["auth_time"], "number");
    assert.equal(typeof claims["sid"], "string");
  });
});
