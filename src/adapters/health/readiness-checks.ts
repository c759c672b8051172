import { sql } from "kysely";
import type { Kysely } from "kysely";
import type { Redis } from "ioredis";
import type { Database } from "../db/schema.ts";
import type { MailTransport } from "../mail/smtp-transport.ts";
import type { ReadinessReport, SmtpState } from "../../core/kernel/ports-operations.ts";

/** One dependency /readyz asks about; `check` rejects when it cannot be used. */
export interface ReadinessCheck {
  /** Shown in the 503 body: a name only, never a URL (it may hold a password). */
  name: string;
  check(): Promise<void>;
}


export interface ReadinessChecks {
  /** Every request needs these (the database, Redis). */
  required: readonly ReadinessCheck[];
  smtp: ReadinessCheck;
}

// A load balancer probes every few seconds; a dependency slower than this counts as down.
const CHECK_TIMEOUT_MS = 2000;
// Each SMTP verify is a real session (greeting, EHLO, QUIT): one per 10 s is plenty.
const SMTP_VERIFY_CACHE_MS = 10_000;

export function databaseCheck(db: Kysely<Database>): ReadinessCheck {
  return {
    name: "database",
    async check(): Promise<void> {
      await sql`select 1`.execute(db);
    },
  };
}

export function redisCheck(redis: Redis): ReadinessCheck {
  return {
    name: "redis",
    async check(): Promise<void> {
      await redis.ping();
    },
  };
}

/**
 * The SMTP server answers (nodemailer's verify). The outcome, good or bad, is
 * kept for 10 s, so probes do not open an SMTP session each time.
 */
export function smtpCheck(transport: Pick<MailTransport, "verify">, options: { cacheMs?: number; now?: () => number } = {}): ReadinessCheck {
  const cacheMs = options.cacheMs ?? SMTP_VERIFY_CACHE_MS;
  const now = options.now ?? ((): number => performance.now());
  let cached: { at: number; result: Promise<void> } | null = null;
  return {
    name: "smtp",
    check(): Promise<void> {
      const at = now();
      if (cached === null || at - cached.at >= cacheMs) {
        const result = transport.verify();
        // Kept for the next callers; this one sees the rejection below.
        result.catch(() => undefined);
        cached = { at, result };
      }
      return cached.result;
    },
  };
}

/** Runs every check at once, each bounded by a timeout. */
export async function checkReadiness(checks: ReadinessChecks): Promise<ReadinessReport> {
  const [results, smtp] = await Promise.all([
    Promise.all(
      checks.required.map(async ({ name, check }) => {
        try {
          await withTimeout(check(), CHECK_TIMEOUT_MS);
          return null;
        } catch (error) {
          return { name, error: error instanceof Error ? error.message : String(error) };
        }
      }),
    ),
    smtpState(checks.smtp),
  ]);
  return { failed: results.filter((result) => result !== null), smtp };
}

/** The relay's state from its (cached) check, bounded like the others; for /readyz and the okb_smtp_up gauge. */
export async function smtpState(check: ReadinessCheck): Promise<SmtpState> {
  try {
    await withTimeout(check.check(), CHECK_TIMEOUT_MS);
    return "ok";
  } catch {
    return "unavailable";
  }
}

function withTimeout(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
