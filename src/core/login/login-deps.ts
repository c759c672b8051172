import type { Brand } from "../kernel/brand.ts";
import type { CodeKeys } from "../kernel/email-code.ts";
import type { ChallengeStore, Clock, CustomerStore, MailOutbox, PasswordHasher, Random, RateLimiter } from "../kernel/ports.ts";
import type { AuditLog } from "../kernel/ports-audit.ts";
import type { RateLimits } from "../kernel/rate-limit.ts";
import type { SessionService } from "./session.ts";
import type { CodeMailDeliveries } from "../mail/bounce.ts";

export interface LoginSettings {
  codeTtlSeconds: number;
  /** HMAC keys for stored codes (derived from SERVER_SECRETS, current first). */
  codeKeys: CodeKeys;
  brand: Brand;
  /** Consecutive failures that lock the account. */
  lockoutThreshold: number;
  rateLimits: RateLimits;
}

/** What the steps of the login flow work with; built once by the wiring. */
export interface LoginDeps {
  customers: CustomerStore;
  challenges: ChallengeStore;
  sessions: SessionService;
  hasher: PasswordHasher;
  clock: Clock;
  random: Random;
  outbox: MailOutbox;
  audit: AuditLog;
  limiter: RateLimiter;
  settings: LoginSettings;
  /** Passkeys (issue 13): the password step asks whether パスキー必須 is on. */
  passkeyRequirement: { isRequired(customerId: string): Promise<boolean> };
  /** Issue 22 §1: what came back for the customer's code mails (the code screen says so); absent: nothing known. */
  codeMailDeliveries?: CodeMailDeliveries;
}

/** RFC 8176 authentication method references, reported by GET /api/v1/session. */
export const AUTH_METHODS_PASSWORD_ONLY = ["pwd"];
export const AUTH_METHODS_PASSWORD_AND_CODE = ["pwd", "otp", "mfa"];
