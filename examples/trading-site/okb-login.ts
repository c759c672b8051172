import * as oidc from "openid-client";
import { createRemoteJWKSet, jwtVerify } from "jose";

/** okb-login's acr values (DESIGN §7): how strongly the customer logged in. */
export const ACR_PASSKEY = "urn:okb:acr:passkey";

/** A withdrawal needs a passkey login at most this old (seconds); also sent as `max_age`. */
export const STEP_UP_MAX_AGE_SECONDS = 5 * 60;

/** OIDC Back-Channel Logout 1.0 §2.4: the event a logout token carries. */
const BACKCHANNEL_LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout";

export interface OkbLoginSettings {
  /** okb-login's issuer (its PUBLIC_URL): discovery starts there. */
  issuer: URL;
  /** okb-login's PUBLIC_URL, for the JSON API: usually the issuer. */
  okbUrl: URL;
  clientId: string;
  clientSecret: string;
  /** This site's callback, exactly as registered with `client add --redirect-uri`. */
  redirectUri: string;
}

/** What the site keeps (server side) between sending the browser to okb-login and its return. */
export interface PendingLogin {
  state: string;
  nonce: string;
  codeVerifier: string;
  /** Asked for a passkey (acr_values) with max_age: the answer must show both. */
  stepUp: boolean;
  /** Where to go once logged in. */
  returnTo: string;
}

/** The ID token's claims okb-login sends (issue 20 item 4). */
export interface OkbClaims {
  /** Stable and opaque: the key to your customer record. Never the login ID. */
  sub: string;
  /** The login ID (scope `profile`). */
  preferred_username?: string;
  name?: string;
  acr?: string;
  amr?: string[];
  auth_time?: number;
  /** The okb-login session: a back-channel logout names it. */
  sid?: string;
}

export interface LoggedIn {
  claims: OkbClaims;
  /** Kept for RP-initiated logout (`id_token_hint`). */
  idToken: string;
  /** A JWT for okb-login's JSON API (resource PUBLIC_URL/api, scope okb.api). */
  accessToken: string;
  accessTokenExpiresAt: number;
}

/** The end of an okb-login session, from a verified logout token. */
export interface LogoutNotice {
  sub: string | undefined;
  sid: string;
}

export interface OkbLogin {
  startLogin(options: { stepUp: boolean; returnTo: string }): Promise<{ url: URL; pending: PendingLogin }>;
  finishLogin(callbackUrl: URL, pending: PendingLogin): Promise<LoggedIn>;
  verifyLogoutToken(logoutToken: string): Promise<LogoutNotice>;
  endSessionUrl(idToken: string, postLogoutRedirectUri: string): URL;
  createConfirmation(accessToken: string, operation: { type: string; details: Record<string, string | number> }): Promise<{ status: number; body: unknown }>;
}

/**
 * okb-login as this site's OpenID Provider, from discovery alone (openid-client 6): the
 * authorization code flow with PKCE S256, state and nonce; a passkey step-up; back-channel logout
 * tokens checked with jose against okb-login's jwks_uri; its JSON API called with the access token.
 */
export async function connectToOkbLogin(settings: OkbLoginSettings): Promise<OkbLogin> {
  const config = await oidc.discovery(settings.issuer, settings.clientId, undefined, oidc.ClientSecretBasic(settings.clientSecret), {
    // Plain http only for a local okb-login (`npm start`); production is https.
    execute: settings.issuer.protocol === "http:" ? [oidc.allowInsecureRequests] : [],
  });
  const server = config.serverMetadata();
  const jwks = createRemoteJWKSet(new URL(String(server.jwks_uri)));
  const apiResource = new URL("/api", settings.okbUrl).href;

  return {
    async startLogin({ stepUp, returnTo }) {
      const pending: PendingLogin = { state: oidc.randomState(), nonce: oidc.randomNonce(), codeVerifier: oidc.randomPKCECodeVerifier(), stepUp, returnTo };
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: settings.redirectUri,
        // okb.api + resource: the access token is a JWT for okb-login's JSON API (RFC 9068, RFC 8707).
        scope: "openid profile okb.api",
        resource: apiResource,
        code_challenge: await oidc.calculatePKCECodeChallenge(pending.codeVerifier),
        code_challenge_method: "S256",
        state: pending.state,
        nonce: pending.nonce,
        // Step-up: a passkey, used within the last 5 minutes (else okb-login asks for it again).
        ...(stepUp ? { acr_values: ACR_PASSKEY, max_age: String(STEP_UP_MAX_AGE_SECONDS) } : {}),
      });
      return { url, pending };
    },

    async finishLogin(callbackUrl, pending) {
      // Checks iss (RFC 9207), state, the PKCE verifier, the ID token's signature, aud, nonce, and auth_time for max_age.
      const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
        ...(pending.stepUp ? { maxAge: STEP_UP_MAX_AGE_SECONDS } : {}),
      });
      const claims = tokens.claims() as unknown as OkbClaims;
      if (tokens.id_token === undefined) {
        throw new Error("okb-login sent no ID token");
      }
      return { claims, idToken: tokens.id_token, accessToken: tokens.access_token, accessTokenExpiresAt: Date.now() + (tokens.expiresIn() ?? 0) * 1000 };
    },

    async verifyLogoutToken(logoutToken) {
      // OIDC Back-Channel Logout 1.0 §2.6: signed by okb-login, for us, typ logout+jwt, the event, no nonce.
      const { payload } = await jwtVerify(logoutToken, jwks, {
        issuer: server.issuer,
        audience: settings.clientId,
        typ: "logout+jwt",
        algorithms: ["ES256"],
        requiredClaims: ["iat", "exp", "jti", "sid", "events"],
      });
      const events = payload["events"];
      if (typeof events !== "object" || events === null || !(BACKCHANNEL_LOGOUT_EVENT in events)) {
        throw new Error("not a back-channel logout event");
      }
      if (payload["nonce"] !== undefined) {
        throw new Error("a logout token has no nonce");
      }
      return { sub: payload.sub, sid: String(payload["sid"]) };
    },

    endSessionUrl(idToken, postLogoutRedirectUri) {
      return oidc.buildEndSessionUrl(config, { id_token_hint: idToken, post_logout_redirect_uri: postLogoutRedirectUri });
    },

    async createConfirmation(accessToken, operation) {
      // From our back end, as the customer who logged in through us: the access token instead of okb-login's cookie.
      const response = await fetch(new URL("/api/v1/confirmations", settings.okbUrl), {
        method: "POST",
        headers: { authorization: `Bearer ${accessToken}`, "content-type": "application/json" },
        body: JSON.stringify({ operation }),
      });
      return { status: response.status, body: await response.json() };
    },
  };
}

/** Has the customer proved themselves with a passkey recently enough for a withdrawal? */
export function passkeyIsFresh(loggedIn: LoggedIn, now: number): boolean {
  const { acr, auth_time: authTime } = loggedIn.claims;
  return acr === ACR_PASSKEY && authTime !== undefined && now / 1000 - authTime <= STEP_UP_MAX_AGE_SECONDS && loggedIn.accessTokenExpiresAt > now;
}
