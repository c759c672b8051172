import { z } from "zod";
import { keyFileBesideDatabase, signingKeyProblem } from "./confirmation-config.ts";

/**
 * The OpenID Provider's configuration (issue 20), read by config.ts from the same environment.
 * The ID tokens, access tokens and logout tokens are signed with ES256; the previous keys stay
 * published (and usable to verify) after a rotation, as the confirmation keys do.
 */
export interface OidcConfig {
  /** OIDC_ISSUER, else PUBLIC_URL: the `iss` of every token and the discovery document's base. */
  issuer: string;
  /** The resource the JSON API is (RFC 8707): PUBLIC_URL/api, the `aud` of access tokens. */
  apiResource: string;
  /** OIDC_SIGNING_KEY (PEM), or outside production a key file created on first start (OIDC_KEY_FILE). */
  signingKey: { pem: string } | { file: string };
  /** OIDC_PREVIOUS_SIGNING_KEYS: earlier private keys (PEM), still published in the JWKS, never used to sign. */
  previousSigningKeys: string[];
}

const PEM_BLOCK = /-----BEGIN ([A-Z ]+)-----[\s\S]+?-----END \1-----/gu;

const SCHEMA = z.object({
  OIDC_ISSUER: z.url({ protocol: /^https?$/ }).optional(),
  OIDC_SIGNING_KEY: z.string().optional(),
  OIDC_KEY_FILE: z.string().min(1).optional(),
  OIDC_PREVIOUS_SIGNING_KEYS: z.string().default(""),
});

/** Each problem is added to `problems` naming its variable (config.ts stops the start with all of them). */
export function oidcSettings(env: Record<string, string | undefined>, publicUrl: string, production: boolean, problems: string[]): OidcConfig {
  const parsed = SCHEMA.safeParse(env);
  const fallback: OidcConfig = { issuer: publicUrl, apiResource: `${publicUrl}/api`, signingKey: { file: "" }, previousSigningKeys: [] };
  if (!parsed.success) {
    problems.push(...parsed.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`));
    return fallback;
  }
  const e = parsed.data;
  const issuer = (e.OIDC_ISSUER ?? publicUrl).replace(/\/$/u, "");
  if (production && !issuer.startsWith("https://")) {
    problems.push("  OIDC_ISSUER: must be https:// in production");
  }
  let signingKey: OidcConfig["signingKey"] = { file: e.OIDC_KEY_FILE ?? keyFileBesideDatabase(env["DATABASE_URL"], "oidc-signing-key.pem") };
  if (e.OIDC_SIGNING_KEY !== undefined) {
    const pem = e.OIDC_SIGNING_KEY.replaceAll("\\n", "\n");
    const problem = signingKeyProblem(pem);
    if (problem === null) {
      signingKey = { pem };
    } else {
      problems.push(`  OIDC_SIGNING_KEY: ${problem}`);
    }
  } else if (production) {
    // A key on one instance's disk would differ from the next instance's: tokens one signs, another could not vouch for.
    problems.push("  OIDC_SIGNING_KEY: required in production (an EC P-256 private key, PEM; see docs/trading-site.md)");
  }
  const previousSigningKeys: string[] = [];
  for (const [index, match] of [...e.OIDC_PREVIOUS_SIGNING_KEYS.replaceAll("\\n", "\n").matchAll(PEM_BLOCK)].entries()) {
    const problem = signingKeyProblem(match[0]);
    if (problem === null) {
      previousSigningKeys.push(match[0]);
    } else {
      problems.push(`  OIDC_PREVIOUS_SIGNING_KEYS: key ${index + 1}: ${problem}`);
    }
  }
  return { issuer, apiResource: `${publicUrl}/api`, signingKey, previousSigningKeys };
}
