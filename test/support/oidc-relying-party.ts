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
