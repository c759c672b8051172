import { Redis } from "ioredis";
import type { RateLimitDecision, RateLimiter } from "../../core/ports.ts";
import { fixedWindow } from "./fixed-window.ts";

/**
 * Rate-limit counters in Redis (REDIS_URL), shared by every instance: INCR on a
 * key per window, which expires with the window.
 */
export function createRedisRateLimiter(redis: Redis, options: { prefix: string }): RateLimiter {
  const { prefix } = options;
  return {
    async consume(key: string, max: number, windowSeconds: number, now: number): Promise<RateLimitDecision> {
      const window = fixedWindow(now, windowSeconds);
      const redisKey = `${prefix}${key}:${window.start}`;
      const results = await redis.multi().incr(redisKey).pexpire(redisKey, window.end - now + 1000).exec();
      const count = Number(results?.[0]?.[1] ?? Number.POSITIVE_INFINITY);
      return { allowed: count <= max, retryAfterSeconds: window.secondsLeft };
    },
  };
}

export function connectRedis(url: string): Redis {
  // Fail fast rather than queue commands forever while Redis is away: a login then answers 5xx, not hangs.
  return new Redis(url, { maxRetriesPerRequest: 2, enableOfflineQueue: true, lazyConnect: false });
}
