import { createPrivateKey, createPublicKey } from "node:crypto";
import { dirname, join } from "node:path";
import { z } from "zod";
import type { ConfirmationPolicy } from "./core/confirmations/confirmation-policy.ts";
import { DEFAULT_CONFIRMATION_POLICY_TEXT, parseConfirmationPolicy } from "./core/confirmations/confirmation-policy.ts";

/**
 * The configuration of operation-bound confirmations (issue 13 §5, §6), read by config.ts from
 * the same environment, apart so config.ts stays one screen of general settings.
 */
export interface ConfirmationConfig {
  /**
   * The ES256 signing key (EC P-256, PKCS#8 or SEC1 PEM): from CONFIRMATION_SIGNING_KEY, or, outside
   * production only, a key file the service creates on first start (CONFIRMATION_KEY_FILE, mode 0600;
   * by default beside the SQLite database: ./data/confirmation-signing-key.pem).
   */
  signingKey: { pem: string } | { file: string };
  /** Public keys (SPKI PEM) published beside the current one until the tokens they signed have expired (rotation). */
  previousPublicKeys: string[];
  /** The token's `aud`. */
  audience: string;
  policy: ConfirmationPolicy;
  /** PASSKEY_REQUIRED_FOR_WITHDRAWALS_FROM as `YYYY-MM-DD` and its start, 00:00 JST (epoch ms); null when no date is set. */
  passkeyRequiredFrom: { date: string; at: number } | null;
}

const PEM_BLOCK = /-----BEGIN ([A-Z ]+)-----[\s\S]+?-----END \1-----/gu;

const SCHEMA = z.object({
  /** PEM; `\n` may stand for line breaks so the key fits one environment line. */
  CONFIRMATION_SIGNING_KEY: z.string().optional(),
  CONFIRMATION_KEY_FILE: z.string().min(1).optional(),
  CONFIRMATION_PREVIOUS_PUBLIC_KEYS: z.string().default(""),
  CONFIRMATION_AUDIENCE: z.string().regex(/^[\x21-\x7E]{1,200}$/u, "must be 1-200 printable ASCII characters without spaces").default("okb-trading"),
  CONFIRMATION_POLICY: z.string().default(DEFAULT_CONFIRMATION_POLICY_TEXT),
  PASSKEY_REQUIRED_FOR_WITHDRAWALS_FROM: z.string().regex(/^\d{4}-\d{2}-\d{2}$/u, "must be a date YYYY-MM-DD (Japan time)").optional(),
});

/**
 * Reads the confirmation variables; each problem is added to `problems` naming its variable
 * (config.ts stops the start with all of them). Production needs CONFIRMATION_SIGNING_KEY: a key
 * on one instance's disk would differ from the next instance's.
 */
export function confirmationSettings(env: Record<string, string | undefined>, production: boolean, problems: string[]): ConfirmationConfig {
  const parsed = SCHEMA.safeParse(env);
  if (!parsed.success) {
    problems.push(...parsed.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`));
    return fallback();
  }
  const e = parsed.data;
  let signingKey: ConfirmationConfig["signingKey"] = { file: e.CONFIRMATION_KEY_FILE ?? defaultKeyFile(env["DATABASE_URL"]) };
  if (e.CONFIRMATION_SIGNING_KEY !== undefined) {
    const pem = e.CONFIRMATION_SIGNING_KEY.replaceAll("\\n", "\n");
    const problem = signingKeyProblem(pem);
    if (problem === null) {
      signingKey = { pem };
    } else {
      problems.push(`  CONFIRMATION_SIGNING_KEY: ${problem}`);
    }
  } else if (production) {
    problems.push("  CONFIRMATION_SIGNING_KEY: required in production (an EC P-256 private key, PEM; see docs/trading-site.md)");
  }
  const previousPublicKeys = previousKeys(e.CONFIRMATION_PREVIOUS_PUBLIC_KEYS.replaceAll("\\n", "\n"), problems);
  const policy = parseConfirmationPolicy(e.CONFIRMATION_POLICY);
  if ("problem" in policy) {
    problems.push(`  CONFIRMATION_POLICY: ${policy.problem}`);
  }
  const date = e.PASSKEY_REQUIRED_FOR_WITHDRAWALS_FROM;
  const at = date === undefined ? null : japanMidnight(date);
  if (date !== undefined && at === null) {
    problems.push(`  PASSKEY_REQUIRED_FOR_WITHDRAWALS_FROM: ${date} is not a calendar date`);
  }
  return {
    signingKey,
    previousPublicKeys,
    audience: e.CONFIRMATION_AUDIENCE,
    policy: "policy" in policy ? policy.policy : fallback().policy,
    passkeyRequiredFrom: date === undefined || at === null ? null : { date, at },
  };
}

/**
 * Beside the SQLite database (./data/ by default), so a development checkout keeps its data in one
 * folder and a test's service on a temporary database keeps its key there too; ./data/ otherwise.
 */
function defaultKeyFile(databaseUrl: string | undefined): string {
  return keyFileBesideDatabase(databaseUrl, "confirmation-signing-key.pem");
}

/** `name` beside the SQLite database, or in ./data/ (the OpenID Provider's key file follows the same rule). */
export function keyFileBesideDatabase(databaseUrl: string | undefined, name: string): string {
  const url = databaseUrl ?? "sqlite:./data/okb-login.sqlite";
  const path = url.startsWith("sqlite:") ? url.slice("sqlite:".length) : ":memory:";
  return path === ":memory:" || path === "" ? `./data/${name}` : join(dirname(path), name);
}

/** null when `pem` is one EC P-256 private key. */
export function signingKeyProblem(pem: string): string | null {
  try {
    const key = createPrivateKey(pem);
    if (key.asymmetricKeyType !== "ec" || key.asymmetricKeyDetails?.namedCurve !== "prime256v1") {
      return "must be an EC P-256 (prime256v1) private key for ES256";
    }
    return null;
  } catch {
    return "must be a PEM private key (-----BEGIN PRIVATE KEY----- or -----BEGIN EC PRIVATE KEY-----)";
  }
}

/** Each PEM block as an SPKI public key; a private key's public half is taken, so the old CONFIRMATION_SIGNING_KEY can be moved here as it is. */
function previousKeys(text: string, problems: string[]): string[] {
  const keys: string[] = [];
  for (const [index, match] of [...text.matchAll(PEM_BLOCK)].entries()) {
    try {
      const key = createPublicKey(match[0]);
      if (key.asymmetricKeyType !== "ec" || key.asymmetricKeyDetails?.namedCurve !== "prime256v1") {
        throw new Error("not P-256");
      }
      keys.push(key.export({ type: "spki", format: "pem" }).toString());
    } catch {
      problems.push(`  CONFIRMATION_PREVIOUS_PUBLIC_KEYS: key ${index + 1} is not an EC P-256 public or private key in PEM`);
    }
  }
  if (keys.length === 0 && text.trim() !== "" && !problems.some((line) => line.includes("CONFIRMATION_PREVIOUS_PUBLIC_KEYS"))) {
    problems.push("  CONFIRMATION_PREVIOUS_PUBLIC_KEYS: must be PEM keys (-----BEGIN PUBLIC KEY----- …)");
  }
  return keys;
}

/** `2026-04-01` → 2026-04-01T00:00+09:00 in epoch ms; null when it is not a real date. */
function japanMidnight(date: string): number | null {
  const [year, month, day] = date.split("-").map(Number) as [number, number, number];
  const utc = Date.UTC(year, month - 1, day);
  const check = new Date(utc);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    return null;
  }
  return utc - 9 * 3600 * 1000;
}

function fallback(): ConfirmationConfig {
  const defaults = parseConfirmationPolicy(DEFAULT_CONFIRMATION_POLICY_TEXT);
  if (!("policy" in defaults)) {
    throw new Error(`the default confirmation policy does not parse: ${defaults.problem}`);
  }
  return { signingKey: { file: "" }, previousPublicKeys: [], audience: "okb-trading", policy: defaults.policy, passkeyRequiredFrom: null };
}
