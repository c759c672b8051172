import type { Clock, RateLimiter } from "../kernel/ports.ts";
import type { AuditLog } from "../kernel/ports-audit.ts";
import type { RateRule } from "../kernel/limits.ts";
import type { OperatorRequest } from "./operator-request.ts";
import { TooManyRequestsError } from "../kernel/retry-later-errors.ts";

// The console's own limits (issue 17: codes to new addresses, 「生年月日の確認」) are fixed rules from
// limits.ts, not RATE_LIMIT_* settings: they guard customers from operators, not the service from load.
/** Counts one use of `rule` for `subject`; over it, audited and refused with [5124]. */
export async function consoleRateLimit(deps: { limiter: RateLimiter; audit: AuditLog; clock: Clock }, request: OperatorRequest, name: string, subject: string, rule: RateRule, customerId: string): Promise<void> {
  const decision = await deps.limiter.consume(`${name}:${subject}`, rule.max, rule.windowSeconds, deps.clock.now());
  if (decision.allowed) {
    return;
  }
  await deps.audit.record({
    event: "rate_limited",
    outcome: "refused",
    customerId,
    actor: request.operator.id,
    ip: request.context.ip,
    userAgent: request.context.userAgent,
    requestId: request.context.requestId,
    detail: { limit: name, operatorLoginId: request.operator.loginId },
  });
  throw new TooManyRequestsError(decision.retryAfterSeconds, `${name} limit for ${subject}`);
}
