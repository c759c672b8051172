import type { Logger } from "pino";
import type { Redis } from "ioredis";
import type { Config } from "../config.ts";
import type { Clock, RateLimiter } from "../core/kernel/ports.ts";
import type { DatabaseHandle } from "../adapters/db/connect.ts";
import { createDbRateLimiter } from "../adapters/rate-limit/db-rate-limiter.ts";
import { connectRedis, createRedisRateLimiter, firstRedisConnection } from "../adapters/rate-limit/redis-rate-limiter.ts";

// At start, how long to wait for Redis before taking requests (a Redis that refuses ends the wait at once).
const REDIS_START_WAIT_MS = 3000;

/**
 * The rate-limit counters: in Redis when REDIS_URL is set (several instances), else in the database,
 * whose expired counters are cleared every 10 minutes (`pruneTimer`, stopped at close).
 */
export async function buildRateLimitCounters(
  config: Pick<Readonly<Config>, "redisUrl" | "redisPrefix">,
  database: DatabaseHandle,
  { clock, logger }: { clock: Clock; logger: Logger },
): Promise<{ counters: RateLimiter; redis: Redis | null; pruneTimer: NodeJS.Timeout | null }> {
  const dbLimiter = createDbRateLimiter(database.db);
  let redis: Redis | null = null;
  let counters: RateLimiter = dbLimiter;
  let pruneTimer: NodeJS.Timeout | null = null;
  if (config.redisUrl !== null) {
    redis = connectRedis(config.redisUrl);
    // ioredis reconnects on its own; say so once per outage, not at every retry (and never the URL).
    let redisDown = false;
    redis.on("error", (error: Error) => {
      if (!redisDown) {
        redisDown = true;
        logger.warn({ error: error.message }, "redis unavailable; reconnecting");
      }
    });
    redis.on("ready", () => {
      redisDown = false;
    });
    await firstRedisConnection(redis, REDIS_START_WAIT_MS);
    counters = createRedisRateLimiter(redis, { prefix: `${config.redisPrefix}rl:` });
  } else {
    // Expired counters are only clutter; clear them now and then.
    pruneTimer = setInterval(() => {
      dbLimiter.prune(clock.now()).catch((error: unknown) => logger.warn({ err: error }, "rate-limit prune failed"));
    }, 10 * 60_000);
    pruneTimer.unref();
  }
  return { counters, redis, pruneTimer };
}
