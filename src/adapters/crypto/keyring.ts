import { hkdfSync } from "node:crypto";
import { deriveKey } from "./derive-key.ts";
import type { KeyPurpose } from "./derive-key.ts";

/** One key of a keyring: `id` names the secret it came from, without revealing it. */
export interface KeyringKey {
  readonly id: string;
  readonly key: Buffer;
}

/**
 * The secret's key ID: 8 hex digits of an HKDF output of its own (so the same for every
 * purpose, and nothing about the other keys). Stored beside what a key made, it picks the
 * one key to check with, so a rotation costs no extra HMAC or decryption.
 */
export function secretKeyId(secret: string): string {
  return Buffer.from(hkdfSync("sha256", Buffer.from(secret, "utf8"), Buffer.alloc(0), "okb-login key-id v1", 4)).toString("hex");
}

/** SERVER_SECRETS' keys for one purpose, current first (config.ts refuses duplicates). */
export function deriveKeyring(secrets: readonly string[], purpose: KeyPurpose): readonly KeyringKey[] {
  if (secrets.length === 0) {
    throw new Error("the keyring needs at least one secret");
  }
  const keys = secrets.map((secret) => ({ id: secretKeyId(secret), key: deriveKey(secret, purpose) }));
  if (new Set(keys.map((key) => key.id)).size !== keys.length) {
    // 1 in 4 billion for two random secrets: a new secret is the remedy, not a guess at which key was meant.
    throw new Error("two SERVER_SECRETS share a key ID: replace the newest secret");
  }
  return keys;
}

/** The current secret's key alone, for what lives only minutes (rate-limit counters' keys). */
export function currentKey(secrets: readonly string[], purpose: KeyPurpose): Buffer {
  const [current] = deriveKeyring(secrets.slice(0, 1), purpose);
  if (current === undefined) {
    throw new Error("the keyring needs at least one secret");
  }
  return current.key;
}
