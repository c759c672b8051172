import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

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
