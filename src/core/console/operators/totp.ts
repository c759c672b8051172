import { ScureBase32Plugin, generateSync, verifySync } from "otplib";
import type { Random } from "../../kernel/ports.ts";
import { TOTP_DIGITS, TOTP_DRIFT_STEPS, TOTP_PERIOD_SECONDS, TOTP_SECRET_BYTES } from "../../kernel/limits.ts";

/**
 * TOTP (RFC 6238) for operators: SHA-1, 30-second steps, 6 digits, one step of
 * drift either side. The HMAC and truncation are otplib's (docs/decisions.md);
 * this file fixes the parameters and answers with the step that matched, so the
 * caller can make a code work once (the store's `recordTotpStep`).
 */

const base32 = new ScureBase32Plugin();

/** A new secret of TOTP_SECRET_BYTES random bytes, base32 without padding (what authenticator apps read). */
export function generateTotpSecret(random: Random): string {
  const bytes = Buffer.from(random.token(TOTP_SECRET_BYTES), "base64url");
  if (bytes.length !== TOTP_SECRET_BYTES) {
    throw new Error(`Random.token(${TOTP_SECRET_BYTES}) gave ${bytes.length} bytes`);
  }
  return base32.encode(bytes, { padding: false });
}

/** The RFC 6238 time step T of a moment (epoch ms). */
export function totpStep(now: number): number {
  return Math.floor(now / 1000 / TOTP_PERIOD_SECONDS);
}

/** The code of `secret` at `now` (epoch ms); `options.digits` only for RFC 6238's 8-digit vectors. */
export function totpCode(secret: string, now: number, options: { digits?: 6 | 8 } = {}): string {
  return generateSync({ secret, epoch: Math.floor(now / 1000), period: TOTP_PERIOD_SECONDS, digits: options.digits ?? TOTP_DIGITS, algorithm: "sha1" });
}

/**
 * The step whose code `code` is, within TOTP_DRIFT_STEPS of `now`'s step; null when
 * none matches or the input is not 6 digits (spaces, as apps show "287 082", are dropped).
 * Compared in constant time by otplib. Does not make the code single-use: the caller
 * records the step (OperatorStore.recordTotpStep) and refuses a step not newer.
 */
export function verifyTotp(secret: string, code: string, now: number): number | null {
  const token = code.replace(/[\s\u3000]/gu, "").normalize("NFKC");
  if (!new RegExp(`^[0-9]{${TOTP_DIGITS}}$`).test(token)) {
    return null;
  }
  const result = verifySync({
    secret,
    token,
    epoch: Math.floor(now / 1000),
    period: TOTP_PERIOD_SECONDS,
    digits: TOTP_DIGITS,
    algorithm: "sha1",
    // In seconds: ±one period around `now` reaches exactly the steps next to now's, never two away.
    epochTolerance: TOTP_DRIFT_STEPS * TOTP_PERIOD_SECONDS,
  });
  // `delta` counts steps from now's step (-1, 0 or +1).
  return result.valid ? totpStep(now) + result.delta : null;
}

/** The `otpauth://` URI an authenticator app reads (Key Uri Format): issuer, account, secret, parameters. */
export function totpUri(secret: string, options: { issuer: string; account: string }): string {
  const label = `${encodeURIComponent(options.issuer)}:${encodeURIComponent(options.account)}`;
  const query = [
    `secret=${secret}`,
    `issuer=${encodeURIComponent(options.issuer)}`,
    "algorithm=SHA1",
    `digits=${TOTP_DIGITS}`,
    `period=${TOTP_PERIOD_SECONDS}`,
  ].join("&");
  return `otpauth://totp/${label}?${query}`;
}
