import { createPrivateKey } from "node:crypto";
import { calculateJwkThumbprint, exportJWK } from "jose";
import type { JWK } from "jose";

/** A private signing key as oidc-provider's JWKS takes it: ES256, `kid` its RFC 7638 thumbprint. */
export interface SigningJwk extends JWK {
  kid: string;
  alg: "ES256";
  use: "sig";
}

/**
 * The OpenID Provider's keys (issue 20 item 1) from PEM: the current key first (it signs), then the
 * previous ones, still published so tokens they signed verify until they expire. The `kid` is the
 * public key's thumbprint, so every instance with the same key names it the same.
 */
export async function oidcSigningKeys(currentPem: string, previousPems: readonly string[]): Promise<SigningJwk[]> {
  const keys: SigningJwk[] = [];
  for (const pem of [currentPem, ...previousPems]) {
    const jwk = await exportJWK(createPrivateKey(pem));
    const kid = await calculateJwkThumbprint({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y } as JWK);
    if (!keys.some((key) => key.kid === kid)) {
      keys.push({ ...jwk, kid, alg: "ES256", use: "sig" });
    }
  }
  return keys;
}

/** The public halves (what the JWKS publishes), for verifying our own tokens without asking the provider. */
export function publicHalves(keys: readonly SigningJwk[]): SigningJwk[] {
  return keys.map(({ kty, crv, x, y, kid, alg, use }) => ({ kty, crv, x, y, kid, alg, use }) as SigningJwk);
}
