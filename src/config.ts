import { z } from "zod";
import type { Brand } from "./core/kernel/brand.ts";
import { confirmationSettings } from "./confirmation-config.ts";
import type { ConfirmationConfig } from "./confirmation-config.ts";
import { oidcSettings } from "./oidc-config.ts";
import { serverSecretSettings } from "./secret-config.ts";
import type { OidcConfig } from "./oidc-config.ts";
import { availableParallelism } from "node:os";
import { isTrustProxy, parseOriginList, parseTrustProxy } from "./config-values.ts";
import { CONSOLE_ENV_SHAPE, consoleSettings } from "./console-config.ts";
import { RATE_LIMIT_ENV_SHAPE, rateLimitSettings } from "./rate-limit-config.ts";
import type { ConsoleConfig } from "./console-config.ts";
import { BOUNCE_ENV_SHAPE, bounceSettings } from "./bounce-config.ts";
import type { BounceConfig } from "./bounce-config.ts";
import type { RateLimitName, RateRule } from "./core/kernel/limits.ts";
import {
  DEFAULT_LOCKOUT_THRESHOLD,
  ARGON2_MIN_MEMORY_KIB,
  ARGON2_MIN_TIME_COST,
  DEFAULT_CODE_TTL_SECONDS,
  DEFAULT_SESSION_ABSOLUTE_SECONDS,
  DEFAULT_SESSION_IDLE_SECONDS,
  DEFAULT_SECURITY_CHANGE_DELAY_HOURS,
} from "./core/kernel/limits.ts";


// The SMTP adapter's own default (SMTP_POOL_CONNECTIONS in src/adapters/mail/smtp-transport.ts).
const DEFAULT_SMTP_MAX_CONNECTIONS = 20;

const int = (min: number, max: number, fallback: number) => z.coerce.number().int().min(min).max(max).default(fallback);


const ENV_SCHEMA = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  HOST: z.string().min(1).default("127.0.0.1"),
  PORT: int(0, 65535, 3000),
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  // CONSOLE_LISTEN, CONSOLE_PUBLIC_URL (console-config.ts).
  ...CONSOLE_ENV_SHAPE,
  // RATE_LIMIT_* (rate-limit-config.ts).
  ...RATE_LIMIT_ENV_SHAPE,
  DATABASE_URL: z
    .string()
    .regex(/^(sqlite:|postgres(ql)?:\/\/)/, "must start with sqlite: or postgres://")
    .default("sqlite:./data/okb-login.sqlite"),
  SMTP_URL: z.string().regex(/^smtps?:\/\//, "must start with smtp:// or smtps://").optional(),
  MAIL_FROM: z.string().min(3).optional(),
  // SMTP conversations with the relay at once (issue 17 §11): a stalled one holds only its own mail.
  SMTP_MAX_CONNECTIONS: int(1, 200, DEFAULT_SMTP_MAX_CONNECTIONS),
  // SERVER_SECRET, SERVER_SECRETS (secret-config.ts).
  OTP_TTL_SECONDS: int(60, 3600, DEFAULT_CODE_TTL_SECONDS),
  SESSION_IDLE_SECONDS: int(60, 24 * 3600, DEFAULT_SESSION_IDLE_SECONDS),
  SESSION_ABSOLUTE_SECONDS: int(300, 7 * 24 * 3600, DEFAULT_SESSION_ABSOLUTE_SECONDS),
  ARGON2_MEMORY_KIB: int(ARGON2_MIN_MEMORY_KIB, 4 * 1024 * 1024, ARGON2_MIN_MEMORY_KIB),
  ARGON2_TIME_COST: int(ARGON2_MIN_TIME_COST, 20, ARGON2_MIN_TIME_COST),
  BRAND_NAME: z.string().min(1).default("OKB証券"),
  BRAND_NAME_EN: z.string().min(1).default("OKB Securities"),
  MAIL_DOMAIN: z.string().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/i, "must be a domain name").default("okb-sec.co.jp"),
  // BOUNCE_DOMAIN, BOUNCE_LISTEN (bounce-config.ts).
  ...BOUNCE_ENV_SHAPE,
  CALL_CENTER_NAME: z.string().min(1).default("四方八方みんなよし"),
  CALL_CENTER_NAME_EN: z.string().min(1).optional(),
  CALL_CENTER_PHONE: z.string().min(1).default("0120-483744"),
  CALL_CENTER_HOURS: z.string().min(1).default("平日 9:00～17:00(土・日・祝日、年末年始を除く)"),
  CALL_CENTER_HOURS_EN: z.string().min(1).default("weekdays 9:00-17:00 JST, except holidays and the New Year period"),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, "must start with redis:// or rediss://").optional(),
  REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9:_-]{1,64}$/, "must be 1-64 of A-Z a-z 0-9 : _ -").default("okb:"),
  LOCKOUT_THRESHOLD: int(3, 100, DEFAULT_LOCKOUT_THRESHOLD),
  // Issue 17: hours from a supervisor's approval to a weakening change taking effect (0: at approval, for tests).
  SECURITY_CHANGE_DELAY_HOURS: int(0, 24 * 30, DEFAULT_SECURITY_CHANGE_DELAY_HOURS),
  /** Read, not set: libuv sizes its pool before any of our code runs (npm start sets it). */
  UV_THREADPOOL_SIZE: int(1, 1024, 4),
  HASH_MAX_IN_FLIGHT: z.coerce.number().int().min(1).max(256).optional(),
  HASH_MAX_QUEUE: int(0, 100_000, 64),
  DKIM_SELECTOR: z.string().regex(/^[A-Za-z0-9._-]{1,63}$/, "must be a DNS label").optional(),
  /** PEM; `\n` may stand for line breaks so the key fits one environment line. */
  DKIM_PRIVATE_KEY: z.string().includes("PRIVATE KEY", { message: "must be a PEM private key" }).optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  DEMO_CUSTOMER: z.enum(["true", "false"]).default("true"),
  METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").regex(/^[\x21-\x7E]+$/, "must be printable ASCII without spaces").optional(),
  TRUST_PROXY: z
    .string()
    .refine(isTrustProxy, "must be true, false, a hop count, or a comma-separated list of addresses or CIDRs")
    .default("false"),
  // Slow or idle clients must not hold sockets until the file limit is reached (src/web/server-limits.ts).
  REQUEST_TIMEOUT_SECONDS: int(1, 300, 15),
  // Issue 17 item 5: a header section fits one packet; 10 s is generous even on a poor mobile link.
  HEADERS_TIMEOUT_SECONDS: int(1, 300, 10),
  KEEP_ALIVE_TIMEOUT_SECONDS: int(1, 600, 5),
  // The usual limit of 1,024 open files, less about 120 for the database, Redis, SMTP and Node itself.
  MAX_CONNECTIONS: int(1, 1_000_000, 900),
  // Issue 17 item 5: one address (one attacker) cannot hold every connection; a browser opens about 6,
  // and an office or a mobile carrier's NAT puts a few users behind one address. Not counted for TRUST_PROXY's proxies.
  MAX_CONNECTIONS_PER_ADDRESS: int(1, 1_000_000, 50),
  SHUTDOWN_TIMEOUT_SECONDS: int(1, 600, 20),
  // Passkeys (issue 13): origins besides PUBLIC_URL a passkey's answer may come from (the smartphone app).
  WEBAUTHN_EXTRA_ORIGINS: z
    .string()
    .refine((value) => parseOriginList(value) !== null, "must be comma-separated origins (https://host[:port]) or android:apk-key-hash:HASH")
    .default(""),
});

export interface Config {
  environment: "development" | "test" | "production";
  host: string;
  port: number;
  publicUrl: string;
  /** Where the console is served: on the main listener, or on its own (console-config.ts). */
  console: ConsoleConfig;
  databaseUrl: string;
  /** null: start the local mail catcher (development only). */
  smtpUrl: string | null;
  /** SMTP_MAX_CONNECTIONS: conversations with the relay at once, and so mails in delivery at once. */
  smtpMaxConnections: number;
  mailFrom: string;
  /** SERVER_SECRETS (or SERVER_SECRET): the first makes new code HMACs and sealed bodies; the rest verify and open older ones. */
  serverSecrets: readonly string[];
  /** Issue 22 §1: the domain of every mail's return path (VERP), and where the bounce listener listens. */
  bounce: BounceConfig;
  codeTtlSeconds: number;
  session: { idleSeconds: number; absoluteSeconds: number };
  argon2: { memoryKiB: number; timeCost: number; parallelism: number };
  brand: Brand;
  /** null: rate-limit counters live in the database. */
  redisUrl: string | null;
  /** Prefix of every Redis key, so several deployments (or test runs) can share one Redis. */
  redisPrefix: string;
  lockoutThreshold: number;
  /**
   * SECURITY_CHANGE_DELAY_HOURS (issue 17): an approved security request (MFA off, a new 重要メール,
   * パスキー必須 off) takes effect this long after approval, and recovery by emailed code stays
   * refused this long after a 重要メール change. 0: at approval, no hold (tests only).
   */
  securityChangeDelayHours: number;
  rateLimits: Record<RateLimitName, RateRule>;
  hashGate: { maxInFlight: number; maxQueue: number };
  /** DKIM signing of every mail for MAIL_DOMAIN; null when no key is configured. */
  dkim: { domainName: string; keySelector: string; privateKey: string } | null;
  logLevel: string;
  /** Create the demo customer at start (development only). */
  demoCustomer: boolean;
  /** null: /metrics is open (keep it off the public listener); else the bearer token a scrape must bring. */
  metricsToken: string | null;
  /** fastify's trustProxy: whom to believe about X-Forwarded-For. */
  trustProxy: boolean | number | string[];
  /** Limits on clients' connections: whole request, its headers, idle keep-alive, sockets open at once, in all and per client address. */
  http: { requestTimeoutSeconds: number; headersTimeoutSeconds: number; keepAliveTimeoutSeconds: number; maxConnections: number; maxConnectionsPerAddress: number };
  /** After SIGTERM, how long shutdown may take before the process exits 1 anyway. */
  shutdownTimeoutSeconds: number;
  /** Operation-bound confirmations for the trading site (issue 13 §5, §6): signing keys, audience, policy, passkey date. */
  confirmations: ConfirmationConfig;
  /** The OpenID Provider (issue 20): issuer, the API's resource, signing keys. */
  oidc: OidcConfig;
  /** WEBAUTHN_EXTRA_ORIGINS: where passkey answers may come from besides PUBLIC_URL (the RP ID stays PUBLIC_URL's host). */
  webauthnExtraOrigins: string[];
}

export class ConfigError extends Error {}

/**
 * Reads the configuration once, against a schema. A bad value stops the start
 * and names the variable; an insecure default in development is a warning.
 */
export function loadConfig(env: Record<string, string | undefined>): { config: Readonly<Config>; warnings: string[] } {
  const parsed = ENV_SCHEMA.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === "production";
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, "");
  const problems: string[] = [];
  const warnings: string[] = [];
  if (production) {
    if (e.SMTP_URL === undefined) {
      problems.push("  SMTP_URL: required in production (the local mail catcher is for development only)");
    }
    if (!publicUrl.startsWith("https://")) {
      problems.push("  PUBLIC_URL: must be https:// in production");
    }
  }
  const serverSecrets = serverSecretSettings(env, production, problems, warnings);
  const consoleSetting = consoleSettings(e, publicUrl, problems, { production });
  if (e.SESSION_IDLE_SECONDS > e.SESSION_ABSOLUTE_SECONDS) {
    problems.push("  SESSION_IDLE_SECONDS: must not exceed SESSION_ABSOLUTE_SECONDS");
  }
  // argon2 runs on libuv's pool, shared with file and DNS work: one hash per core, and
  // always a thread left over so a full hash queue never stalls the rest.
  const hashesInFlight = e.HASH_MAX_IN_FLIGHT ?? Math.max(1, Math.min(availableParallelism(), e.UV_THREADPOOL_SIZE - 1));
  if (hashesInFlight >= e.UV_THREADPOOL_SIZE) {
    warnings.push(`HASH_MAX_IN_FLIGHT (${hashesInFlight}) leaves no libuv thread (UV_THREADPOOL_SIZE ${e.UV_THREADPOOL_SIZE}) for other work`);
  }
  if ((e.DKIM_SELECTOR === undefined) !== (e.DKIM_PRIVATE_KEY === undefined)) {
    problems.push("  DKIM_SELECTOR, DKIM_PRIVATE_KEY: set both or neither");
  }
  const trustProxy = parseTrustProxy(e.TRUST_PROXY);
  if (trustProxy === true) {
    warnings.push("TRUST_PROXY=true believes any X-Forwarded-For, so a client reaching the service directly can pick its IP (rate limits, audit log); give the proxies' addresses or a hop count");
  }
  const webauthnExtraOrigins = parseOriginList(e.WEBAUTHN_EXTRA_ORIGINS) ?? [];
  if (production && webauthnExtraOrigins.some((origin) => origin.startsWith("http://"))) {
    problems.push("  WEBAUTHN_EXTRA_ORIGINS: origins must be https:// in production");
  }
  if (e.SECURITY_CHANGE_DELAY_HOURS === 0) {
    // Without the wait, the current 重要メール's owner cannot stop a change made by someone posing as them.
    if (production) {
      problems.push("  SECURITY_CHANGE_DELAY_HOURS: must be at least 1 in production");
    } else {
      warnings.push("SECURITY_CHANGE_DELAY_HOURS=0: security requests take effect at approval (for tests only)");
    }
  }
  const confirmations = confirmationSettings(env, production, problems);
  const oidc = oidcSettings(env, publicUrl, production, problems);
  if (problems.length > 0) {
    throw new ConfigError(`invalid configuration:\n${problems.join("\n")}`);
  }
  const config: Config = {
    environment: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    publicUrl,
    console: consoleSetting,
    databaseUrl: e.DATABASE_URL,
    smtpUrl: e.SMTP_URL ?? null,
    smtpMaxConnections: e.SMTP_MAX_CONNECTIONS,
    mailFrom: e.MAIL_FROM ?? `${e.BRAND_NAME} <no-reply@${e.MAIL_DOMAIN}>`,
    serverSecrets,
    bounce: bounceSettings(e),
    codeTtlSeconds: e.OTP_TTL_SECONDS,
    session: { idleSeconds: e.SESSION_IDLE_SECONDS, absoluteSeconds: e.SESSION_ABSOLUTE_SECONDS },
    argon2: { memoryKiB: e.ARGON2_MEMORY_KIB, timeCost: e.ARGON2_TIME_COST, parallelism: 1 },
    brand: {
      name: e.BRAND_NAME,
      nameEn: e.BRAND_NAME_EN,
      mailDomain: e.MAIL_DOMAIN,
      callCenterName: e.CALL_CENTER_NAME,
      callCenterNameEn: e.CALL_CENTER_NAME_EN ?? `${e.BRAND_NAME_EN} Call Center`,
      callCenterPhone: e.CALL_CENTER_PHONE,
      callCenterHours: e.CALL_CENTER_HOURS,
      callCenterHoursEn: e.CALL_CENTER_HOURS_EN,
    },
    redisUrl: e.REDIS_URL ?? null,
    redisPrefix: e.REDIS_PREFIX,
    lockoutThreshold: e.LOCKOUT_THRESHOLD,
    securityChangeDelayHours: e.SECURITY_CHANGE_DELAY_HOURS,
    rateLimits: rateLimitSettings(e),
    hashGate: { maxInFlight: hashesInFlight, maxQueue: e.HASH_MAX_QUEUE },
    dkim:
      e.DKIM_SELECTOR === undefined || e.DKIM_PRIVATE_KEY === undefined
        ? null
        : { domainName: e.MAIL_DOMAIN, keySelector: e.DKIM_SELECTOR, privateKey: e.DKIM_PRIVATE_KEY.replaceAll("\\n", "\n") },
    logLevel: e.LOG_LEVEL,
    demoCustomer: !production && e.DEMO_CUSTOMER === "true",
    metricsToken: e.METRICS_TOKEN ?? null,
    trustProxy,
    http: {
      requestTimeoutSeconds: e.REQUEST_TIMEOUT_SECONDS,
      // The headers are part of the request: never longer than the whole of it.
      headersTimeoutSeconds: Math.min(e.HEADERS_TIMEOUT_SECONDS, e.REQUEST_TIMEOUT_SECONDS),
      keepAliveTimeoutSeconds: e.KEEP_ALIVE_TIMEOUT_SECONDS,
      maxConnections: e.MAX_CONNECTIONS,
      maxConnectionsPerAddress: e.MAX_CONNECTIONS_PER_ADDRESS,
    },
    shutdownTimeoutSeconds: e.SHUTDOWN_TIMEOUT_SECONDS,
    confirmations,
    oidc,
    webauthnExtraOrigins,
  };
  return { config: deepFreeze(config), warnings };
}

function deepFreeze<T extends object>(value: T): Readonly<T> {
  for (const inner of Object.values(value)) {
    if (typeof inner === "object" && inner !== null) {
      deepFreeze(inner as object);
    }
  }
  return Object.freeze(value);
}
