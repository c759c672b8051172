import { createHmac } from "node:crypto";
import type { RateLimitDecision, RateLimiter } from "../../core/kernel/ports.ts";

/**
 * Keys every counter by HMAC-SHA256 of its subject, whichever backend holds it. The
 * subject is whatever was typed into the login-ID field (a password, now and then), or an
 * IP address: neither may rest in clear in the counters table or in Redis. The rule's name
 * before the first ':' stays readable, for whoever looks at the counters.
 */
export function withHashedKeys(inner: RateLimiter, key: Buffer): RateLimiter {
  return {
    consume(counter: string, max: number, windowSeconds: number, now: number): Promise<RateLimitDecision> {
      return inner.consume(hashedCounterKey(key, counter), max, windowSeconds, now);
    },
  };
}

/** "passwordPerLoginId:<43 base64url characters>" for "passwordPerLoginId:taro01". */
export function hashedCounterKey(key: Buffer, counter: string): string {
  const colon = counter.indexOf(":");
  const name = colon === -1 ? "" : counter.slice(0, colon);
  return `${name}:${createHmac("sha256", key).update(counter).digest("base64url")}`;
}
