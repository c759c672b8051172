import { hkdfSync } from "node:crypto";

export type KeyPurpose = "code-hmac" | "outbox-seal" | "rate-limit-keys" | "operator-totp" | "recovery-seal" | "oidc-payload-seal" | "oidc-cookies";

/**
 * One configured secret, several independent 256-bit keys (RFC 5869 HKDF):
 * the code HMAC key and the outbox encryption key never coincide.
 */
export function deriveKey(secret: string, purpose: KeyPurpose): Buffer {
  return Buffer.from(hkdfSync("sha256", Buffer.from(secret, "utf8"), Buffer.alloc(0), `okb-login ${purpose} v1`, 32));
}
