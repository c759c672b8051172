import assert from "node:assert/strict";
import * as oidc from "openid-client";
import type { RegisteredClient } from "../../src/core/oidc/client-registration.ts";
import type { TestService } from "./test-service.ts";
import type { WebClient } from "./web-client.ts";

/**
 * A relying party as a trading site writes it with openid-client 6, from discovery alone (issue 20:
 * "an outside relying party … can do all of 1–7 from discovery alone"). The test service listens on
 * http://localhost, so insecure requests are allowed; nothing else is bent.
 */
export async function discoverAs(t: TestService, registered: RegisteredClient): Promise<oidc.Configuration> {
  return oidc.discovery(new URL(t.config.publicUrl), registered.client.clientId, registered.secret === null ? { token_endpoint_auth_method: "none" } : registered.secret, registered.secret === null ? oidc.None() : undefined, {
    execute: [oidc.allowInsecureRequests],
  });
}

export interface Started {
  url: URL;
  verifier: string;
  state: string;
  nonce: string;
}

/** An authorization request with PKCE S256, state and nonce, as the example trading site makes it. */
export async function startAuthorization(config: oidc.Configuration, redirectUri: string, params: Record<string, string> = {}): Promise<Started> {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: "openid profile",
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
    state,
    nonce,
    ...params,
  });
  return { url, verifier, state, nonce };
}

/**
 * Follows the browser's redirects on our origin from `start`: ends at the client's redirect URI
 * (`callback`), or at a page of ours that wants the customer (`page`: its path and body).
 */
export async function follow(t: TestService, browser: WebClient, start: string, redirectUri: string): Promise<{ callback: URL } | { page: string; status: number; body: string }> {
  const origin = new URL(t.config.publicUrl).origin;
  let location = start;
  for (let hops = 0; hops < 12; hops += 1) {
    const path = location.startsWith(origin) ? location.slice(origin.length) : location;
    // The Host a browser would send, so the provider's own absolute URLs name our origin.
    const response = await browser.get(path, { headers: { host: new URL(origin).host } });
    // A redirect, or マイページ's way back to the client after a login: a page that moves on by itself (oidc-continue.eta).
    const redirect = response.statusCode >= 300 && response.statusCode < 400 ? response.headers.location : undefined;
    const next = response.statusCode === 200 ? /<meta http-equiv="refresh" content="0; url=([^"]+)">/u.exec(response.body)?.[1] : redirect;
    if (typeof next !== "string") {
      return { page: path.split("?")[0] ?? path, status: response.statusCode, body: response.body };
    }
    if (next.startsWith(redirectUri)) {
      return { callback: new URL(next) };
    }
    assert.ok(next.startsWith("/") || next.startsWith(origin), `a redirect off our origin: ${next}`);
    location = next;
  }
  throw new Error("more than 12 redirects");
}

/** The client's side of the callback: the code exchanged (state, nonce, iss, PKCE all checked by openid-client). */
export function redeem(config: oidc.Configuration, callback: URL, started: Started): Promise<oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers> {
  return oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: started.verifier, expectedState: started.state, expectedNonce: started.nonce, idTokenExpected: true });
}

/** The port's listener at PUBLIC_URL (http://localhost:PORT), for the provider's back-channel and openid-client's requests. */
export async function listenAtPublicUrl(t: TestService): Promise<void> {
  if (!t.service.app.server.listening) {
    await t.service.app.listen({ host: "127.0.0.1", port: Number(new URL(t.config.publicUrl).port) });
  }
}

/** Logs the customer in on our pages (password + emailed code) in `browser`, as the login page asks after a client sent it there. */
export async function logInOnOurPages(t: TestService, browser: WebClient, customer: { loginId: string; password: string; email: string }): Promise<void> {
  const n = t.smtp.mails.filter((mail) => mail.to === customer.email && mail.subject.includes("認証コード")).length + 1;
  const password = await browser.post("/login", { form: { loginId: customer.loginId, password: customer.password } });
  assert.equal(password.headers.location, "/login/mfa", "the password step asks for the code");
  const code = await browser.post("/login/mfa", { form: { code: await t.codeFor(customer.email, n) } });
  assert.equal(code.headers.location, "/", "the code step lands on マイページ");
  await t.drainOutbox();
}

/**
 * One authorization from start to tokens: when our login page is shown, the customer logs in there
 * (`logIn`), then the browser goes on from マイページ. `loginShown` tells whether the page was needed.
 */
export async function authorizeAndRedeem(
  t: TestService,
  browser: WebClient,
  config: oidc.Configuration,
  redirectUri: string,
  options: { params?: Record<string, string>; logIn?: () => Promise<void> } = {},
): Promise<{ tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers; loginShown: boolean }> {
  const started = await startAuthorization(config, redirectUri, options.params);
  let reached = await follow(t, browser, started.url.href, redirectUri);
  let loginShown = false;
  if ("page" in reached) {
    assert.equal(reached.page, "/login", `expected our login page, got ${reached.page} (${reached.status})`);
    assert.ok(options.logIn !== undefined, "the login page was shown but the test gave no way to log in");
    loginShown = true;
    await options.logIn();
    reached = await follow(t, browser, "/", redirectUri);
  }
  assert.ok("callback" in reached, `expected the client's callback, got ${"page" in reached ? reached.page : ""}`);
  return { tokens: await redeem(config, reached.callback, started), loginShown };
}
