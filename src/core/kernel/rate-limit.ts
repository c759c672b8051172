import type { AuditLog } from "./ports-audit.ts";
import type { Clock, RateLimiter } from "./ports.ts";
import type { RateLimitName, RateRule } from "./limits.ts";
import type { RequestContext } from "./request-context.ts";
import { CodeMailLimitError, TooManyRequestsError } from "./retry-later-errors.ts";

export type RateLimits = Record<RateLimitName, RateRule>;

/** Counts one request against a named rule; over the limit it throws [5124] ([5125] for code mails). */
export type EnforceRateLimit = (name: RateLimitName, subject: string, context: RequestContext, options?: { customerId?: string | null }) => Promise<void>;

/** `enforceRateLimit` bound to its stores, clock and rules, as the login steps use it. */
export function bindRateLimits(deps: { limiter: RateLimiter; audit: AuditLog; clock: Clock; limits: RateLimits }): EnforceRateLimit {
  return (name, subject, context, options) => enforceRateLimit(deps, name, subject, context, deps.clock.now(), options);
}

/** `bindRateLimits` for a service whose deps carry the limiter, the audit log, the clock and the settings' rules. */
export function rateLimitsOf(deps: { limiter: RateLimiter; audit: AuditLog; clock: Clock; settings: { rateLimits: RateLimits } }): EnforceRateLimit {
  return bindRateLimits({ limiter: deps.limiter, audit: deps.audit, clock: deps.clock, limits: deps.settings.rateLimits });
}

/**
 * Counts one request against `rule` for `subject` (an IP, a login ID, a
 * customer or a challenge); over the limit it is audited and refused with [5124], or
 * with [5125] for the code-mail limit, which the customer must be told how to wait out.
 */
export async function enforceRateLimit(
  deps: { limiter: RateLimiter; audit: AuditLog; limits: RateLimits },
  name: RateLimitName,
  subject: string,
  context: RequestContext,
  now: number,
  options?: { customerId?: string | null },
): Promise<void> {
  const rule = deps.limits[name];
  const decision = await deps.limiter.consume(`${name}:${subject}`, rule.max, rule.windowSeconds, now);
  if (decision.allowed) {
    return;
  }
  await deps.audit.record({
    event: "rate_limited",
    outcome: "refused",
    customerId: options?.customerId ?? null,
    actor: "customer",
    ip: context.ip,
    userAgent: context.userAgent,
    requestId: context.requestId,
    detail: { limit: name, max: rule.max, windowSeconds: rule.windowSeconds },
  });
  if (name === "codeMailsPerCustomer") {
    throw new CodeMailLimitError(rule, decision.retryAfterSeconds, `rate limit ${name} reached`);
  }
  throw new TooManyRequestsError(decision.retryAfterSeconds, `rate limit ${name} reached`);
}
