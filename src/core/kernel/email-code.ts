import { createHmac, timingSafeEqual } from "node:crypto";
import type { Random } from "./ports.ts";
import { CODE_DIGITS, MAX_CODE_INPUT_LENGTH } from "./limits.ts";

const CODE_SPACE = 10 ** CODE_DIGITS;

/** A fresh code: CODE_DIGITS random digits, leading zeros kept. */
export function generateCode(random: Random): string {
  return random.int(0, CODE_SPACE).toString().padStart(CODE_DIGITS, "0");
}

/**
 * The code HMAC keys (SERVER_SECRETS, issue 22 §4), current first. Each stored HMAC carries the
 * ID of its key in front (`<key id>:<hex>`): a code sent before a rotation is checked with the
 * one key that made it, still one HMAC per try.
 */
export interface CodeKey {
  readonly id: string;
  readonly key: Buffer;
}
export type CodeKeys = readonly CodeKey[];

/**
 * `<key id>:` HMAC-SHA256(current key, challengeId ‖ code). Binding the challenge ID means equal
 * codes of two challenges hash differently, and a stolen table row cannot be
 * checked against 10^6 codes without the server key.
 */
export function codeHmac(keys: CodeKeys, challengeId: string, code: string): string {
  const current = currentKey(keys);
  return `${current.id}:${hmacHex(current.key, challengeId, code)}`;
}

/**
 * Constant-time comparison of a candidate code against a stored HMAC. An HMAC stored before
 * keyrings (bare hex, no key ID) is checked against each key; one whose key has left
 * SERVER_SECRETS matches nothing.
 */
export function codeMatches(keys: CodeKeys, challengeId: string, code: string, storedHmac: string): boolean {
  const colon = storedHmac.indexOf(":");
  if (colon < 0) {
    return keys.map((entry) => hexEqual(hmacHex(entry.key, challengeId, code), storedHmac)).includes(true);
  }
  const id = storedHmac.slice(0, colon);
  const entry = keys.find((candidate) => candidate.id === id);
  return entry !== undefined && hexEqual(hmacHex(entry.key, challengeId, code), storedHmac.slice(colon + 1));
}

function currentKey(keys: CodeKeys): CodeKey {
  const [current] = keys;
  if (current === undefined) {
    throw new Error("no code HMAC key configured");
  }
  return current;
}

function hmacHex(key: Buffer, challengeId: string, code: string): string {
  return createHmac("sha256", key).update(`${challengeId}\u0000${code}`).digest("hex");
}

function hexEqual(candidateHex: string, storedHex: string): boolean {
  const candidate = Buffer.from(candidateHex, "hex");
  const stored = Buffer.from(storedHex, "hex");
  return candidate.length === stored.length && timingSafeEqual(candidate, stored);
}

// Spaces of every width (incl. U+3000 ideographic space), line breaks, and
// every dash a Japanese IME or a phone may produce.
const IGNORED_IN_CODE = /[\s\u00A0\u2000-\u200B\u3000\uFEFF\-\u2010-\u2015\u2212\u30FC\uFF0D\uFF70]/gu;

/**
 * Seed Q4: customers paste codes with spaces, or type full-width digits.
 * NFKC turns ０-９ into 0-9; spaces, hyphens and newlines are dropped.
 * Returns null when what is left is not exactly CODE_DIGITS ASCII digits.
 */
export function normalizeCodeInput(raw: string): string | null {
  if (raw.length > MAX_CODE_INPUT_LENGTH) {
    return null;
  }
  const cleaned = raw.normalize("NFKC").replace(IGNORED_IN_CODE, "");
  return new RegExp(`^[0-9]{${CODE_DIGITS}}$`).test(cleaned) ? cleaned : null;
}
