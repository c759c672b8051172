import { Redis } from "ioredis";
import type { RateLimitDecision, RateLimiter } from "../../core/kernel/ports.ts";
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

/**
 * Every request counts against limits in Redis, so a Redis that stalls (a full
 * machine, SIGSTOP, a half-open failover) must not hold requests (issue 17 §4: 42 s
 * seen). A command not answered within REDIS_COMMAND_TIMEOUT_MS fails, and so does one
 * sent while no connection is ready (no offline queue): the request answers 503 [5000]
 * — closed, never uncounted — and the next one tries again.
 */
export const REDIS_COMMAND_TIMEOUT_MS = 1000;
// TCP connect; a stalled server's kernel still accepts, so the ready check's INFO is bounded by the command timeout.
const REDIS_CONNECT_TIMEOUT_MS = 2000;
// Commands waiting and not a byte back for this long: the connection is dead, drop it and reconnect.
const REDIS_SOCKET_TIMEOUT_MS = 3000;
// Reconnect soon, but not in a tight loop: 100 ms, 200 ms … at most 1 s apart.
const REDIS_MAX_RECONNECT_DELAY_MS = 1000;

export function connectRedis(url: string): Redis {
  return new Redis(url, {
    commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
    connectTimeout: REDIS_CONNECT_TIMEOUT_MS,
    socketTimeout: REDIS_SOCKET_TIMEOUT_MS,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt: number): number => Math.min(attempt * 100, REDIS_MAX_RECONNECT_DELAY_MS),
    lazyConnect: false,
  });
}

/**
 * Resolves when the first connection is ready or has failed (or after `timeoutMs`),
 * so the first requests after start do not meet a connection still being made
 * (there is no offline queue to hold them). A Redis that is down does not stop the
 * start: /readyz reports it, and ioredis keeps reconnecting.
 */
export function firstRedisConnection(redis: Redis, timeoutMs: number): Promise<void> {
  if (redis.status === "ready") {
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      redis.off("ready", done);
      redis.off("error", done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    redis.once("ready", done);
    redis.once("error", done);
  });
}
