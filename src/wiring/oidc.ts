import type { Config } from "../config.ts";
import { deriveKey } from "../adapters/crypto/derive-key.ts";
import { loadOrCreateSigningKey } from "../adapters/crypto/confirmation-key-file.ts";
import { oidcSigningKeys } from "../adapters/crypto/oidc-signing-keys.ts";
import type { SigningJwk } from "../adapters/crypto/oidc-signing-keys.ts";

/** The OpenID Provider's settings as the web layer's oidc plugin takes them (src/web/oidc/provider-setup.ts). */
export interface OidcProviderSettings {
  issuer: string;
  apiResource: string;
  signingKeys: SigningJwk[];
  cookieKeys: string[];
  sessionSeconds: number;
  proxy: boolean;
}

/**
 * Keys from OIDC_SIGNING_KEY (production; every instance the same) or, in development, the key
 * file beside the database, created on first start; `warnings` says what the start should log.
 */
export async function oidcProviderSettings(config: Readonly<Config>): Promise<{ settings: OidcProviderSettings; warnings: string[] }> {
  const warnings: string[] = [];
  let pem: string;
  if ("pem" in config.oidc.signingKey) {
    pem = config.oidc.signingKey.pem;
  } else {
    const loaded = loadOrCreateSigningKey(config.oidc.signingKey.file);
    pem = loaded.pem;
    if (loaded.warning !== null) {
      warnings.push(loaded.warning.replace("the confirmation signing key", "the OpenID Provider's signing key"));
    }
  }
  return {
    settings: {
      issuer: config.oidc.issuer,
      apiResource: config.oidc.apiResource,
      signingKeys: await oidcSigningKeys(pem, config.oidc.previousSigningKeys),
      cookieKeys: [deriveKey(config.serverSecret, "oidc-cookies").toString("base64url")],
      sessionSeconds: config.session.absoluteSeconds,
      proxy: config.trustProxy !== false,
    },
    warnings,
  };
}
