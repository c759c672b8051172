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
/**
 * How long the pre-auth state (its cookie) outlives its code (issue 11, item 9): long enough to
 * tell an expired code from a wrong one, and for 「もう一度ログインする」 to fill in the login ID
 * (issue 21, item 1); after it, a copied pre-auth token tells nothing.
 */
export const PREAUTH_GRACE_SECONDS = 30 * 60;
/** The long-lived device cookie (login notices for new devices): 256 bits, as the other tokens. */
export const DEVICE_TOKEN_BYTES = 32;
/** A confidential OIDC client's secret: 256 bits (RFC 6749 §10.10: a guess may succeed with probability 2^-128 at most, 2^-160 better). */
export const OIDC_CLIENT_SECRET_BYTES = 32;

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

/**
 * Consecutive failures (wrong passwords and wrong codes together) that lock an
 * account. NIST SP 800-63B-4 §3.1.3.2 allows at most 100; 10 keeps online
 * guessing negligible while a customer with typos still gets in.
 */
export const DEFAULT_LOCKOUT_THRESHOLD = 10;

/**
 * How long failures on a login ID that does not exist are remembered, so it answers
 * [5102] after `LOCKOUT_THRESHOLD` failures as a real account would (issue 9: the lockout
 * must not enumerate IDs). A real lock lasts until the call center lifts it; 90 days makes
 * "wait until it lifts by itself" far too slow to be an oracle.
 */
export const UNKNOWN_LOGIN_ID_FAILURE_WINDOW_SECONDS = 90 * 24 * 60 * 60;

/** ログイン履歴 shows the last 90 days (DESIGN §4), at most this many attempts a page. */
export const LOGIN_HISTORY_DAYS = 90;
export const MAX_LOGIN_HISTORY_PAGE = 100;

/** A rate-limit rule: at most `max` requests per fixed window of `windowSeconds`. */
export interface RateRule {
  max: number;
  windowSeconds: number;
}

/**
 * Default rate limits (OWASP ASVS 2.2.1 anti-automation). Per-customer limits do
 * the precise work; per-IP limits are set high because many customers share one
 * address behind a mobile carrier's NAT, and only stop floods.
 */
export const DEFAULT_RATE_LIMITS = {
  /** Password attempts from one IP address. */
  passwordPerIp: { max: 300, windowSeconds: 300 },
  /** Password attempts for one login ID (known or not, so the limit reveals nothing). */
  passwordPerLoginId: { max: 20, windowSeconds: 900 },
  /** Code mails to one customer: mail bombing (issue #3: at most 5 per 15 minutes). */
  codeMailsPerCustomer: { max: 5, windowSeconds: 900 },
  /** Code entries for one challenge (typos that are not 6 digits are not counted as guesses). */
  codePerChallenge: { max: 10, windowSeconds: 60 },
  /** Code entries for one customer across challenges. */
  codePerCustomer: { max: 30, windowSeconds: 900 },
  /** Code entries from one IP address. */
  codePerIp: { max: 300, windowSeconds: 300 },
  /** Passkey login options and answers from one IP address (each options request stores a challenge). */
  passkeyPerIp: { max: 300, windowSeconds: 300 },
  /** Passkey answers for one customer (login, パスキー必須): a signature cannot be guessed, this only stops floods. */
  passkeyPerCustomer: { max: 30, windowSeconds: 900 },
} satisfies Record<string, RateRule>;

export type RateLimitName = keyof typeof DEFAULT_RATE_LIMITS;

/**
 * Operator TOTP (DESIGN §5): RFC 6238 with the defaults every authenticator app
 * understands (SHA-1, 30-second steps, 6 digits). RFC 6238 §5.2 recommends at most
 * one step of network delay; one step either side also covers a phone's clock drift.
 */
export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
export const TOTP_DRIFT_STEPS = 1;
/** RFC 4226 §4 R6: a shared secret of at least 128 bits; 160 bits (the HMAC-SHA-1 size) is recommended. */
export const TOTP_SECRET_BYTES = 20;

/**
 * Operator console sessions (DESIGN §5): an operator sees many customers' data, so an
 * unattended console ends after 15 idle minutes, and any session after one 12-hour shift.
 */
export const OPERATOR_SESSION_IDLE_SECONDS = 15 * 60;
export const OPERATOR_SESSION_ABSOLUTE_SECONDS = 12 * 60 * 60;

/**
 * A request to turn a customer's MFA off waits this long for a supervisor (issue 12 §4: four
 * eyes, requests expire after 24 hours), so a stale request is not approved days later.
 */
export const MFA_OFF_REQUEST_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * Security requests (issue 17 item 2: MFA off, a new 重要メール, パスキー必須 off) wait for a
 * supervisor as MFA-off requests always did (24 hours), then take effect after
 * SECURITY_CHANGE_DELAY_HOURS (default 24: a customer who reads mail once a day can still stop it).
 */
export const SECURITY_REQUEST_TTL_MS = MFA_OFF_REQUEST_TTL_MS;
export const DEFAULT_SECURITY_CHANGE_DELAY_HOURS = 24;
/** How often each instance looks for approved requests whose time has come (a late sweep only delays, never skips). */
export const SECURITY_REQUEST_SWEEP_MS = 30_000;
/** The code to a new 重要メール: read back on the phone within minutes, so 10 minutes as a login code; 5 tries. */
export const EMAIL_VERIFICATION_TTL_MS = 10 * 60 * 1000;
export const EMAIL_VERIFICATION_MAX_ATTEMPTS = 5;
/** Codes to new addresses (mail bombing of a stranger's mailbox): per customer and per operator, per hour. */
export const EMAIL_VERIFICATION_PER_CUSTOMER: RateRule = { max: 5, windowSeconds: 3600 };
export const EMAIL_VERIFICATION_PER_OPERATOR: RateRule = { max: 30, windowSeconds: 3600 };
/**
 * 「生年月日の確認」: a date of birth is one of ~36,500 values, so guessing it on the console must
 * be slow: a few tries per customer (a caller who misspeaks) and per operator, per hour.
 */
export const BIRTH_DATE_CHECKS_PER_CUSTOMER: RateRule = { max: 5, windowSeconds: 3600 };
export const BIRTH_DATE_CHECKS_PER_OPERATOR: RateRule = { max: 30, windowSeconds: 3600 };

/**
 * The trading PIN (取引暗証番号, issue 13 §4): the 5th consecutive wrong PIN locks it until the
 * call center lifts the lock. Apart from the login's count: 4–8 digits give at least 10^4 PINs,
 * so 5 guesses leave an attacker holding a session a 5e-4 chance at worst (NIST SP 800-63B-4
 * §3.1.3.2 limits failed attempts on a short secret).
 */
export const TRADING_PIN_LOCK_THRESHOLD = 5;

/**
 * Operation-bound confirmations (issue 13 §5, §6). A confirmation without an emailed code is
 * answered at once on the device, so 5 minutes; one with a code lives as long as the code
 * (OTP_TTL_SECONDS, seed Q5: a mail can be slow). The token is a 60-second bearer proof for one
 * order (issue 13 §6): short enough that a replay window is the trading site's jti memory.
 */
export const CONFIRMATION_TTL_SECONDS = 5 * 60;
export const CONFIRMATION_TOKEN_TTL_SECONDS = 60;
/** What a confirmation's `details` may hold: a flat object, small enough to read in one line. */
export const CONFIRMATION_DETAILS_MAX_FIELDS = 16;
export const CONFIRMATION_DETAIL_MAX_LENGTH = 128;

/**
 * Passkeys (issue 13): how long a WebAuthn challenge (registration, login, パスキー必須) may be
 * answered. WebAuthn Level 3 §15.1 recommends 300–600 s for a ceremony with user verification
 * required; the shorter end, as a login challenge is bound only to a browser cookie.
 */
export const PASSKEY_CHALLENGE_TTL_MS = 5 * 60 * 1000;
/** The random part of a WebAuthn challenge: 256 bits (WebAuthn §13.4.3 asks for at least 16 bytes). */
export const PASSKEY_CHALLENGE_BYTES = 32;
/** A passkey's name as the customer types it (「仕事用 iPhone」). */
export const MAX_PASSKEY_NAME_LENGTH = 40;
