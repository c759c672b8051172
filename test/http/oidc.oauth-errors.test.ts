import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as oidc from "openid-client";
import { sharedTestService } from "../support/test-service.ts";
import { discoverAs, follow, listenAtPublicUrl, logInOnOurPages, redeem, startAuthorization } from "../support/oidc-relying-party.ts";
import { freePort } from "../support/free-port.ts";

const REDIRECT = "https://trade.okb-sec.example/callback";

// Issue 20, "Done when": bad input gets the OAuth error the specs name (invalid_request, invalid_grant,
// invalid_client, unsupported_response_type …), never a 500; a redirect_uri that is not registered
// exactly is never redirected to.
describe("OpenID Provider: the OAuth errors the specs name", () => {
  const t = sharedTestService(async () => {
    const port = await freePort();
    return { realTimeClock: true, env: { PUBLIC_URL: `http://localhost:${port}`, PORT: String(port) } };
  });

  async function authorizeWith(params: Record<string, string>, omit: string[] = []): Promise<{ callback: URL } | { page: string; status: number; body: string }> {
    await listenAtPublicUrl(t);
    const registered = await t.addClient({ redirectUris: [REDIRECT] });
    const url = new URL(`${t.config.publicUrl}/oidc/auth`);
    const all: Record<string, string> = { client_id: registered.client.clientId, redirect_uri: REDIRECT, response_type: "code", scope: "openid", state: "s1", code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", code_challenge_method: "S256", ...params };
    for (const [key, value] of Object.entries(all)) {
      if (!omit.includes(key)) {
        url.searchParams.set(key, value);
      }
    }
    return follow(t, t.client(), url.pathname + url.search, REDIRECT);
  }

  it("without PKCE, or with the plain method: back to the client with error=invalid_request", async () => {
    for (const [params, omit] of [[{}, ["code_challenge", "code_challenge_method"]], [{ code_challenge_method: "plain" }, []]] as const) {
      const reached = await authorizeWith(params, [...omit]);
      assert.ok("callback" in reached, JSON.stringify(params));
      assert.equal(reached.callback.searchParams.get("error"), "invalid_request");
      assert.equal(reached.callback.searchParams.get("state"), "s1");
      assert.equal(reached.callback.searchParams.get("iss"), t.config.publicUrl);
    }
  });

  it("the implicit and hybrid flows are refused: unsupported_response_type", async () => {
    for (const responseType of ["token", "id_token", "code id_token"]) {
      const reached = await authorizeWith({ response_type: responseType, nonce: "n" });
      // Answered in the query or (for a response type that would have used it) the fragment: never with a token.
      const error =
        "callback" in reached
          ? (reached.callback.searchParams.get("error") ?? new URLSearchParams(reached.callback.hash.slice(1)).get("error"))
          : /unsupported_response_type|invalid_request/.exec(reached.body)?.[0];
      assert.ok(error === "unsupported_response_type" || error === "invalid_request", `${responseType}: ${String(error)}`);
      if ("callback" in reached) {
        assert.doesNotMatch(reached.callback.href, /access_token|id_token=/, "no token handed out");
      }
    }
  });

  it("a redirect_uri not registered exactly (another path, a trailing slash, another scheme) is never redirected to: our error page", async () => {
    for (const redirect of [`${REDIRECT}/`, "https://trade.okb-sec.example/other", "http://trade.okb-sec.example/callback", `${REDIRECT}?x=1`]) {
      const reached = await authorizeWith({ redirect_uri: redirect });
      assert.ok("page" in reached, `${redirect}: no redirect`);
      assert.equal(reached.status, 400);
      assert.match(reached.body, /ご利用のサービスへのログインを続けられませんでした/);
      assert.match(reached.body, /invalid_redirect_uri/);
    }
  });

  it("an unknown client: our error page with invalid_client, no redirect", async () => {
    const reached = await authorizeWith({ client_id: "no-such-client" });
    assert.ok("page" in reached);
    assert.equal(reached.status, 400);
    assert.match(reached.body, /invalid_client/);
  });

  it("the code: a wrong PKCE verifier, a second use, another client's secret → invalid_grant / invalid_client; a reused code revokes what the first use got", async () => {
    await listenAtPublicUrl(t);
    const customer = await t.addCustomer();
    const registered = await t.addClient({ redirectUris: [REDIRECT] });
    const config = await discoverAs(t, registered);
    const browser = t.client();
    const started = await startAuthorization(config, REDIRECT);
    let reached = await follow(t, browser, started.url.href, REDIRECT);
    if ("page" in reached) {
      await logInOnOurPages(t, browser, customer);
      reached = await follow(t, browser, "/", REDIRECT);
    }
    assert.ok("callback" in reached);
    const callback = reached.callback;
    await assert.rejects(redeem(config, callback, { ...started, verifier: oidc.randomPKCECodeVerifier() }), (error: unknown) => error instanceof oidc.ResponseBodyError && error.error === "invalid_grant");
    const wrongSecret = await oidc.discovery(new URL(t.config.publicUrl), registered.client.clientId, "not-the-secret", undefined, { execute: [oidc.allowInsecureRequests] });
    await assert.rejects(redeem(wrongSecret, callback, started), (error: unknown) => {
      // 401 with the error in the body and a WWW-Authenticate challenge (RFC 6749 §5.2).
      const body = error instanceof oidc.WWWAuthenticateChallengeError || error instanceof oidc.ResponseBodyError ? (error.cause as unknown) : undefined;
      return error instanceof oidc.WWWAuthenticateChallengeError ? error.status === 401 : (body as { error?: string } | undefined)?.error === "invalid_client";
    });
    const second = await startAuthorization(config, REDIRECT);
    const again = await follow(t, browser, second.url.href, REDIRECT);
    assert.ok("callback" in again);
    const tokens = await redeem(config, again.callback, second);
    assert.equal(typeof tokens.access_token, "string");
    assert.equal((await oidc.tokenIntrospection(config, tokens.access_token)).active, true);
    await assert.rejects(redeem(config, again.callback, second), (error: unknown) => error instanceof oidc.ResponseBodyError && error.error === "invalid_grant");
    assert.equal((await oidc.tokenIntrospection(config, tokens.access_token)).active, false, "the reuse revoked the first use's token");
  });

  it("the token endpoint's bad forms: no grant_type, an unknown one, client_credentials (not offered) → the named OAuth errors as JSON", async () => {
    await listenAtPublicUrl(t);
    const registered = await t.addClient({ redirectUris: [REDIRECT] });
    const basic = `Basic ${Buffer.from(`${registered.client.clientId}:${registered.secret ?? ""}`).toString("base64")}`;
    const post = (body: string, headers: Record<string, string> = { authorization: basic }) =>
      fetch(`${t.config.publicUrl}/oidc/token`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", ...headers }, body });
    const cases: Array<[string, Record<string, string> | undefined, string]> = [
      ["", undefined, "invalid_request"],
      ["grant_type=password&username=a&password=b", undefined, "unsupported_grant_type"],
      ["grant_type=client_credentials", undefined, "unsupported_grant_type"],
      ["grant_type=authorization_code&code=nope&redirect_uri=" + encodeURIComponent(REDIRECT) + "&code_verifier=" + "a".repeat(43), undefined, "invalid_grant"],
      ["grant_type=authorization_code&code=nope", { authorization: "Basic bm9wZTpub3Bl" }, "invalid_client"],
    ];
    for (const [body, headers, expected] of cases) {
      const response = await post(body, headers);
      assert.ok(response.status === 400 || response.status === 401, `${body}: ${response.status}`);
      const json = (await response.json()) as { error: string };
      assert.equal(json.error, expected, body);
    }
  });
});
