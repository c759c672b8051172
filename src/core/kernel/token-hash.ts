import { createHash } from "node:crypto";

/**
 * SHA-256 of a bearer token (session, pre-auth), hex: what the database keeps
 * instead of the token. 256 random bits need no salt or stretching.
 */
export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}
