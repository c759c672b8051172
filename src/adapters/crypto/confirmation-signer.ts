import { createPrivateKey, createPublicKey } from "node:crypto";
import type { KeyObject } from "node:crypto";
import { SignJWT, calculateJwkThumbprint, exportJWK } from "jose";
import type { ConfirmationClaims, ConfirmationSigner, PublicJwk } from "../../core/confirmations/ports-confirmation.ts";

/** The `typ` header of a confirmation token (RFC 8725 §3.11: explicit typing, so no other JWT passes for one). */
export const CONFIRMATION_TOKEN_TYPE = "okb-confirmation+jwt";

/** A public key as the JWK Set publishes it, with its RFC 7638 thumbprint as `kid`. */
async function publicJwk(key: KeyObject): Promise<PublicJwk> {
  const jwk = await exportJWK(key);
  const kid = await calculateJwkThumbprint(jwk);
  return { kty: jwk.kty ?? "EC", crv: jwk.crv, x: jwk.x, y: jwk.y, kid, alg: "ES256", use: "sig" };
}

/**
 * The ConfirmationSigner on jose: ES256 with the configured P-256 key. `kid` is the key's
 * thumbprint, so nothing has to be configured for it and a rotated key gets a new one by itself.
 * The JWK Set lists the current key first, then each previous one not equal to it.
 */
export async function createConfirmationSigner(keys: { signingKeyPem: string; previousPublicKeysPem: readonly string[] }): Promise<ConfirmationSigner> {
  const privateKey = createPrivateKey(keys.signingKeyPem);
  const current = await publicJwk(createPublicKey(privateKey));
  const published: PublicJwk[] = [current];
  for (const pem of keys.previousPublicKeysPem) {
    const jwk = await publicJwk(createPublicKey(pem));
    if (!published.some((known) => known.kid === jwk.kid)) {
      published.push(jwk);
    }
  }
  Object.freeze(published);
  return {
    sign(claims: ConfirmationClaims): Promise<string> {
      return new SignJWT({ op_sha256: claims.op_sha256, amr: claims.amr })
        .setProtectedHeader({ alg: "ES256", typ: CONFIRMATION_TOKEN_TYPE, kid: current.kid })
        .setIssuer(claims.iss)
        .setAudience(claims.aud)
        .setSubject(claims.sub)
        .setJti(claims.jti)
        .setIssuedAt(claims.iat)
        .setExpirationTime(claims.exp)
        .sign(privateKey);
    },
    publicKeys(): readonly PublicJwk[] {
      return published;
    },
  };
}
