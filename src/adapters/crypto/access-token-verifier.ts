import { createLocalJWKSet, jwtVerify } from "jose";
import type { AccessTokenClaims, AccessTokenVerifier } from "../../core/oidc/ports-oidc.ts";
import type { SigningJwk } from "./oidc-signing-keys.ts";

/** The scope an access token must carry for the JSON API. */
const API_SCOPE = "okb.api";

/**
 * RFC 9068 access tokens for the JSON API, checked with the provider's own public keys (current and
 * previous): ES256 only, `typ` at+jwt, our issuer, the audience PUBLIC_URL/api, not expired (no
 * leeway beyond a few seconds of clock skew), scope okb.api, and a subject, client and sid.
 */
export function createAccessTokenVerifier(options: { issuer: string; audience: string; publicKeys: readonly SigningJwk[] }): AccessTokenVerifier {
  const keys = createLocalJWKSet({ keys: [...options.publicKeys] });
  return {
    async verify(token: string): Promise<AccessTokenClaims | null> {
      try {
        const { payload } = await jwtVerify(token, keys, {
          issuer: options.issuer,
          audience: options.audience,
          algorithms: ["ES256"],
          typ: "at+jwt",
          clockTolerance: 5,
          requiredClaims: ["exp", "sub", "client_id"],
        });
        const scopes = typeof payload["scope"] === "string" ? payload["scope"].split(" ") : [];
        const clientId = payload["client_id"];
        const sid = payload["sid"];
        if (!scopes.includes(API_SCOPE) || typeof clientId !== "string" || typeof sid !== "string" || payload.sub === undefined) {
          return null;
        }
        return { customerId: payload.sub, clientId, sid };
      } catch {
        return null;
      }
    },
  };
}
