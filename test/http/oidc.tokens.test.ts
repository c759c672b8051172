import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as oidc from "openid-client";
import { createPrivateKey } from "node:crypto";
import { readFileSync } from "node:fs";
import { SignJWT, decodeJwt, decodeProtectedHeader } from "jose";
import { sharedTestService } from "../support/test-service.ts";
import { authorizeAndRedeem, discoverAs, listenAtPublicUrl, logInOnOurPages } from "../support/oidc-relying-party.ts";
import { freePort } from "../support/free-port.ts";

const REDIRECT = "https://trade.okb-sec.example/callback";
const APP_REDIRECT = "http://127.0.0.1:8765/callback";

// Issue 20 item 7: JWT access tokens for PUBLIC_URL/api accepted as Bearer on /api/v1 with the
// cookie's answers; the app's rotating refresh tokens (offline_access) and their reuse detection.
describe("OpenID Connect: access and refresh tokens", () => {
  const t = sharedTestService(async () => {
    const port = await freePort();
    return { realTimeClock: true, env: { PUBLIC_URL: `http://localhost:${port}`, PORT: String(port) } };
  });
  const api = (path: string, token: string, init: RequestInit = {}): Promise<Response> =>
    fetch(`${t.config.publicUrl}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, ...(init.body === undefined ? {} : { "content-type": "application/json" }) } });

  it("the access token is an ES256 JWT for PUBLIC_URL/api (RFC 9068) and /api/v1 answers it as it answers the cookie", async () => {
    await listenAtPublicUrl(t);
    const customer = await t.addCustomer();
    const config = await discoverAs(t, await t.addClient({ redirectUris: [REDIRECT] }));
    const browser = t.client();
    const { tokens } = await authorizeAndRedeem(t, browser, config, REDIRECT, {
      params: { scope: "openid profile okb.api", resource: `${t.config.publicUrl}/api` },
      logIn: () => logInOnOurPages(t, browser, customer),
    });
    const header = decodeProtectedHeader(tokens.access_token);
    assert.equal(header.alg, "ES256");
    assert.equal(header.typ, "at+jwt");
    const claims = decodeJwt(tokens.access_token);
    assert.equal(claims.aud, `${t.config.publicUrl}/api`);
    assert.equal(claims.sub, customer.customer.id);
    assert.match(String(claims["scope"]), /\bokb\.api\b/);
    const byToken = await api("/api/v1/session", tokens.access_token);
    assert.equal(byToken.status, 200);
    const byCookie = await browser.get("/api/v1/session");
    const tokenBody = (await byToken.json()) as Record<string, unknown>;
    const cookieBody = byCookie.json() as Record<string, unknown>;
    assert.deepEqual(Object.keys(tokenBody).sort(), Object.keys(cookieBody).sort());
    assert.deepEqual(tokenBody["authMethods"], cookieBody["authMethods"]);
  });

  it("the trading site's back end creates a confirmation for the customer with the access token (no [4030])", async () => {
    await listenAtPublicUrl(t);
    const customer = await t.addCustomer();
    const config = await discoverAs(t, await t.addClient({ redirectUris: [REDIRECT] }));
    const browser = t.client();
    const { tokens } = await authorizeAndRedeem(t, browser, config, REDIRECT, {
      params: { scope: "openid okb.api" },
      logIn: () => logInOnOurPages(t, browser, customer),
    });
    const response = await api("/api/v1/confirmations", tokens.access_token, {
      method: "POST",
      body: JSON.stringify({ operation: { type: "trade", details: { symbol: "7203", side: "buy", quantity: 100, price: 2500 } } }),
    });
    const body = (await response.json()) as Record<string, unknown>;
    assert.ok(response.status === 200 || (response.status >= 400 && (body["error"] as { code: string }).code !== "4030"), JSON.stringify(body));
    assert.equal(response.status, 200, JSON.stringify(body));
    assert.equal(typeof body["id"], "string");
  });

  it("a token of another audience, a forged or expired one, or none that parses is [4010]; a bad one beside a good cookie is [4010] too", async () => {
    await listenAtPublicUrl(t);
    const customer = await t.addCustomer();
    const config = await discoverAs(t, await t.addClient({ redirectUris: [REDIRECT] }));
    const browser = t.client();
    const { tokens } = await authorizeAndRedeem(t, browser, config, REDIRECT, { logIn: () => logInOnOurPages(t, browser, customer) });
    // Without okb.api the token is an opaque one for userinfo: not for the API.
    for (const token of [tokens.access_token, tokens.id_token ?? "", "not-a-token", `${tokens.access_token}x`]) {
      const response = await api("/api/v1/session", token);
      assert.equal(response.status, 401, token.slice(0, 20));
      assert.equal(((await response.json()) as { error: { code: string } }).error.code, "4010");
    }
    const mixed = await browser.get("/api/v1/session", { headers: { authorization: "Bearer nonsense" } });
    assert.equal(mixed.statusCode, 401);
    // Signed with our own key, everything right but one thing each: expired, another audience, no okb.api.
    const withApi = await authorizeAndRedeem(t, browser, config, REDIRECT, { params: { scope: "openid okb.api" } });
    const good = decodeJwt(withApi.tokens.access_token);
    assert.equal((await api("/api/v1/session", withApi.tokens.access_token)).status, 200);
    const file = (t.config.oidc.signingKey as { file: string }).file;
    const key = createPrivateKey(readFileSync(file, "utf8"));
    const kid = decodeProtectedHeader(withApi.tokens.access_token).kid ?? "";
    const now = Math.floor(Date.now() / 1000);
    const forge = (changes: Record<string, unknown>): Promise<string> =>
      new SignJWT({ ...good, ...changes }).setProtectedHeader({ alg: "ES256", typ: "at+jwt", kid }).sign(key);
    assert.equal((await api("/api/v1/session", await forge({}))).status, 200, "the forger's control: the same claims re-signed pass");
    for (const changes of [{ exp: now - 60, iat: now - 700 }, { aud: "https://other.example/api" }, { scope: "openid" }, { iss: "https://other.example" }]) {
      assert.equal((await api("/api/v1/session", await forge(changes))).status, 401, JSON.stringify(changes));
    }
  });

  it("the app (a public client) gets rotating refresh tokens with offline_access; an old refresh token used again revokes the grant", async () => {
    await listenAtPublicUrl(t);
    const customer = await t.addCustomer();
    const config = await discoverAs(t, await t.addClient({ redirectUris: [APP_REDIRECT], isPublic: true }));
    const browser = t.client();
    const { tokens } = await authorizeAndRedeem(t, browser, config, APP_REDIRECT, {
      params: { scope: "openid offline_access okb.api", prompt: "consent" },
      logIn: () => logInOnOurPages(t, browser, customer),
    });
    assert.equal(typeof tokens.refresh_token, "string", "offline_access gives a refresh token");
    const first = tokens.refresh_token as string;
    const rotated = await oidc.refreshTokenGrant(config, first);
    assert.equal(typeof rotated.refresh_token, "string");
    assert.notEqual(rotated.refresh_token, first, "a new refresh token at every use");
    assert.equal((await api("/api/v1/session", rotated.access_token)).status, 200);
    // The old one again: refused, and the whole grant with it (the new refresh token and access token too).
    await assert.rejects(oidc.refreshTokenGrant(config, first), (error: unknown) => error instanceof oidc.ResponseBodyError && error.error === "invalid_grant");
    await assert.rejects(oidc.refreshTokenGrant(config, rotated.refresh_token as string), (error: unknown) => error instanceof oidc.ResponseBodyError && error.error === "invalid_grant");
    assert.equal((await api("/api/v1/session", rotated.access_token)).status, 401);
  });

  it("revoking the refresh token (RFC 7009) ends the grant: its access tokens are refused by the API", async () => {
    await listenAtPublicUrl(t);
    const customer = await t.addCustomer();
    const config = await discoverAs(t, await t.addClient({ redirectUris: [REDIRECT] }));
    const browser = t.client();
    const { tokens } = await authorizeAndRedeem(t, browser, config, REDIRECT, {
      params: { scope: "openid offline_access okb.api", prompt: "consent" },
      logIn: () => logInOnOurPages(t, browser, customer),
    });
    assert.equal((await api("/api/v1/session", tokens.access_token)).status, 200);
    await oidc.tokenRevocation(config, tokens.refresh_token as string);
    assert.equal((await api("/api/v1/session", tokens.access_token)).status, 401);
    const introspected = await oidc.tokenIntrospection(config, tokens.refresh_token as string);
    assert.equal(introspected.active, false);
  });
});
