/**
 * Security constants. Each cites the rule it implements. Values that operators
 * may tune (code lifetime, session timeouts, argon2 cost) live in config and
 * default to these.
 */

/** Seed 別紙1-2: the 認証コード is a 6-digit number. */
export const CODE_DIGITS = 6;

/** Seed Q5: a code is valid for 10 minutes from sending. */
export const DEFAULT_CODE_TTL_SECONDS = 600;

/**
 * The 5th wrong code burns the challenge. 5 guesses at 10^6 codes gives an
 * attacker a 5e-6 chance per code mail (NIST SP 800-63B-4 §3.1.3.2 asks to
 * limit failed attempts; the per-customer lockout bounds the total).
 */
export const MAX_CODE_ATTEMPTS = 5;

/** 256-bit random tokens for sessions and the pre-auth binding (OWASP ASVS 3.2.2 asks ≥ 64 bits). */
export const SESSION_TOKEN_BYTES = 32;
export const PREAUTH_TOKEN_BYTES = 32;

/** Session timeouts (OWASP ASVS 3.3: idle and absolute limits). */
export const DEFAULT_SESSION_IDLE_SECONDS = 30 * 60;
export const DEFAULT_SESSION_ABSOLUTE_SECONDS = 12 * 60 * 60;

/** NIST SP 800-63B-4 §3.1.1.2: at least 8 characters when used with a second factor; allow at least 64. */
export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 256;

/** Login IDs: ASCII letters, digits and `._-`, as printed on the account papers. */
export const MAX_LOGIN_ID_LENGTH = 64;
export const LOGIN_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

/** A code field longer than this is not a typo with spaces but garbage (seed Q4 allows spaces). */
export const MAX_CODE_INPUT_LENGTH = 64;

/** RFC 5321 §4.5.3.1.3: a path is at most 256 octets; an address 254. */
export const MAX_EMAIL_LENGTH = 254;
export const MAX_NAME_LENGTH = 100;

/** OWASP Password Storage Cheat Sheet: argon2id with m=19 MiB, t=2, p=1 at least. */
export const ARGON2_MIN_MEMORY_KIB = 19 * 1024;
export const ARGON2_MIN_TIME_COST = 2;
