import { createHash } from "node:crypto";
import Provider, { errors } from "oidc-provider";
import type { Adapter, AdapterConstructor, AdapterFactory, Configuration, ErrorOut, JWK, KoaContextWithOIDC } from "oidc-provider";
import type { Customer } from "../../core/kernel/ports.ts";
import { ACR_VALUES } from "../../core/oidc/acr.ts";
import { loginPolicy } from "./login-policy.ts";

/** The scope of the JSON API's access tokens (issue 20 item 7). */
export const API_SCOPE = "okb.api";

/** Lifetimes (seconds): short access tokens, so a revoked grant's last token dies soon even where nobody asks us. */
const TTL = {
  AccessToken: 10 * 60,
  AuthorizationCode: 60,
  IdToken: 60 * 60,
  Interaction: 15 * 60,
  RefreshToken: 14 * 24 * 3600,
  Grant: 14 * 24 * 3600,
} as const;

export interface ProviderSettings {
  issuer: string;
  /** PUBLIC_URL/api: the one resource (RFC 8707) access tokens are for. */
  apiResource: string;
  /** ES256 private keys, the current one first (it signs); the rest are still published. */
  signingKeys: JWK[];
  /** Keys of the provider's signed cookies (derived from SERVER_SECRET, so every instance has them). */
  cookieKeys: string[];
  /** How long the provider's own session lives at most: our session's absolute lifetime. */
  sessionSeconds: number;
  /** Behind a proxy that says https (X-Forwarded-Proto): trust it as fastify does. */
  proxy: boolean;
}

export interface ProviderDeps {
  adapter: AdapterFactory | AdapterConstructor;
  findCustomer(id: string): Promise<Customer | null>;
  pages: {
    logout(ctx: KoaContextWithOIDC, form: string): Promise<void>;
    loggedOut(ctx: KoaContextWithOIDC): Promise<void>;
    error(ctx: KoaContextWithOIDC, out: ErrorOut, error: Error): Promise<void>;
  };
}

/**
 * oidc-provider 9 as okb-login's OpenID Provider (issue 20, docs/decisions.md): the authorization
 * code flow only, PKCE S256 for every client, exact redirect URIs, `iss` in the response (RFC 9207),
 * ES256 everywhere (no `none`), JWT access tokens for the API (RFC 9068, RFC 8707), rotating refresh
 * tokens with reuse detection, RP-initiated and back-channel logout, revocation and introspection.
 * Its interactions are our own login pages (interaction-pages.ts).
 */
export function createProvider(settings: ProviderSettings, deps: ProviderDeps): Provider {
  const configuration: Configuration = {
    adapter: deps.adapter,
    // Clients come from the database (the adapter's Client model), registered with `npm run cli -- client add`.
    clients: [],
    jwks: { keys: settings.signingKeys },
    cookies: {
      keys: settings.cookieKeys,
      long: { signed: true, httpOnly: true, sameSite: "lax" },
      short: { signed: true, httpOnly: true, sameSite: "lax" },
    },
    findAccount: async (_ctx, sub) => {
      const customer = await deps.findCustomer(sub);
      if (customer === null) {
        return undefined;
      }
      return {
        accountId: customer.id,
        // sub is the customer's random ID: stable, opaque, never the login ID.
        claims: () => ({ sub: customer.id, preferred_username: customer.loginId, name: customer.name }),
      };
    },
    // How, when and through which session the customer logged in: in every ID token, asked for or not.
    claims: {
      openid: ["sub", "acr", "amr", "auth_time", "sid"],
      profile: ["preferred_username", "name"],
    },
    scopes: ["openid", "profile", "offline_access", API_SCOPE],
    acrValues: [...ACR_VALUES],
    // The profile claims in the ID token too: the trading site needs no userinfo call to greet the customer.
    conformIdTokenClaims: false,
    responseTypes: ["code"],
    pkce: { required: () => true },
    allowOmittingSingleRegisteredRedirectUri: false,
    clientAuthMethods: ["client_secret_basic", "client_secret_post", "none"],
    clientDefaults: {
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      id_token_signed_response_alg: "ES256",
      token_endpoint_auth_method: "client_secret_basic",
    },
    enabledJWA: {
      idTokenSigningAlgValues: ["ES256"],
      userinfoSigningAlgValues: ["ES256"],
      introspectionSigningAlgValues: ["ES256"],
      authorizationSigningAlgValues: ["ES256"],
      requestObjectSigningAlgValues: ["ES256"],
      clientAuthSigningAlgValues: ["ES256"],
    },
    routes: {
      authorization: "/oidc/auth",
      token: "/oidc/token",
      userinfo: "/oidc/me",
      jwks: "/oidc/jwks",
      revocation: "/oidc/token/revocation",
      introspection: "/oidc/token/introspection",
      end_session: "/oidc/session/end",
      pushed_authorization_request: "/oidc/request",
    },
    interactions: {
      url: (_ctx, interaction) => `/oidc/interaction/${interaction.uid}`,
      policy: loginPolicy(),
    },
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      introspection: { enabled: true },
      userinfo: { enabled: true },
      backchannelLogout: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx, form) => deps.pages.logout(ctx, form),
        postLogoutSuccessSource: (ctx) => deps.pages.loggedOut(ctx),
      },
      resourceIndicators: {
        enabled: true,
        // An authorization that names no resource still gets an API token when it asked for the API's scope.
        defaultResource: (ctx) => (ctx.oidc.params?.["scope"]?.toString().split(" ").includes(API_SCOPE) ? settings.apiResource : undefined),
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resource) => {
          if (resource !== settings.apiResource) {
            throw new errors.InvalidTarget(`unknown resource ${resource}`);
          }
          return {
            scope: API_SCOPE,
            audience: settings.apiResource,
            accessTokenTTL: TTL.AccessToken,
            accessTokenFormat: "jwt",
            jwt: { sign: { alg: "ES256" } },
          };
        },
      },
    },
    // The sid of the session the token came through: the API checks that connection is still live.
    extraTokenClaims: (_ctx, token) => ("sid" in token && typeof token.sid === "string" ? { sid: token.sid } : undefined),
    issueRefreshToken: (_ctx, client, code) => client.grantTypeAllowed("refresh_token") && code.scopes.has("offline_access"),
    // Every refresh gives a new refresh token; presenting a used one revokes the whole grant (oidc-provider's reuse detection).
    rotateRefreshToken: true,
    ttl: {
      AccessToken: TTL.AccessToken,
      AuthorizationCode: TTL.AuthorizationCode,
      IdToken: TTL.IdToken,
      Interaction: TTL.Interaction,
      RefreshToken: TTL.RefreshToken,
      Grant: TTL.Grant,
      Session: settings.sessionSeconds,
    },
    renderError: (ctx, out, error) => deps.pages.error(ctx, out, error),
  };
  const provider = new Provider(settings.issuer, configuration);
  provider.proxy = settings.proxy;
  compareSecretsByHash(provider);
  sidForEveryClient(provider);
  return provider;
}

/** SHA-256 hex: how a client's secret is stored (oidc_clients.secret_hash). */
export function clientSecretHash(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

/**
 * Our clients' secrets are stored as their SHA-256 only (issue 20 item 2), which the provider's
 * client model holds as `client_secret`. Its comparison, still constant-time, is made between that
 * hash and the hash of what the client presented. Nothing else reads the secret: client_secret_jwt
 * and HS256 are not enabled (enabledJWA above), so the hash is never used as a key.
 */
function compareSecretsByHash(provider: Provider): void {
  const clientPrototype = provider.Client.prototype as unknown as { compareClientSecret(actual: string): Promise<boolean> | boolean };
  const compare = clientPrototype.compareClientSecret;
  clientPrototype.compareClientSecret = function compareHashes(actual: string) {
    return compare.call(this, clientSecretHash(actual));
  };
}

/**
 * oidc-provider puts `sid` in codes and ID tokens only for clients with back-channel (or front-channel)
 * logout. We want it for every client (issue 20 item 4): a connection is recorded by its sid, and an
 * access token on the JSON API is checked by it (extraTokenClaims above).
 */
function sidForEveryClient(provider: Provider): void {
  const clientPrototype = provider.Client.prototype as unknown as { includeSid(): boolean };
  clientPrototype.includeSid = () => true;
}

export type { Adapter };
