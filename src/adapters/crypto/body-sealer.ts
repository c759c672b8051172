import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import type { KeyringKey } from "./keyring.ts";

export interface BodySealer {
  seal(plain: string): string;
  open(sealed: string): string;
}

const PREFIX = "aesgcm1:";

/**
 * AES-256-GCM for outbox mail bodies: a code mail waits in the database until
 * SMTP accepts it, and the database must not hold a readable code meanwhile.
 */
export function createBodySealer(key: Buffer): BodySealer {
  return {
    seal(plain: string): string {
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", key, iv);
      const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
      return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64");
    },
    open(sealed: string): string {
      if (!sealed.startsWith(PREFIX)) {
        throw new Error("outbox body is not sealed with this format");
      }
      const raw = Buffer.from(sealed.slice(PREFIX.length), "base64");
      const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
    },
  };
}

const KEYED_PREFIX = "aesgcm2:";

export interface KeyringSealer extends BodySealer {
  /** Whether `sealed` opens with the current key alone (else it is worth sealing again after a rotation). */
  sealedWithCurrentKey(sealed: string): boolean;
}

/**
 * The sealer of a keyring (SERVER_SECRETS, issue 22 §4): seals with the current key and writes
 * its ID in front (`aesgcm2:<key id>:…`), so opening takes the one key that sealed it. Bodies
 * sealed before keyrings (`aesgcm1:`, no ID) are tried with each key, current first.
 */
export function createKeyringSealer(keys: readonly KeyringKey[]): KeyringSealer {
  const [current] = keys;
  if (current === undefined) {
    throw new Error("the keyring needs at least one key");
  }
  const sealers = new Map(keys.map((entry) => [entry.id, createBodySealer(entry.key)]));
  return {
    seal(plain: string): string {
      const sealed = (sealers.get(current.id) as BodySealer).seal(plain);
      return `${KEYED_PREFIX}${current.id}:${sealed.slice(PREFIX.length)}`;
    },
    sealedWithCurrentKey(sealed: string): boolean {
      return sealed.startsWith(`${KEYED_PREFIX}${current.id}:`);
    },
    open(sealed: string): string {
      if (sealed.startsWith(KEYED_PREFIX)) {
        const rest = sealed.slice(KEYED_PREFIX.length);
        const colon = rest.indexOf(":");
        const sealer = colon < 0 ? undefined : sealers.get(rest.slice(0, colon));
        if (sealer === undefined) {
          throw new Error("sealed with a key no longer in SERVER_SECRETS");
        }
        return sealer.open(PREFIX + rest.slice(colon + 1));
      }
      let lastError: unknown = new Error("outbox body is not sealed with this format");
      for (const sealer of sealers.values()) {
        try {
          return sealer.open(sealed);
        } catch (error) {
          lastError = error;
        }
      }
      throw lastError;
    },
  };
}
