import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import type { RateLimiter } from "../../src/core/kernel/ports.ts";
import { createDbRateLimiter } from "../../src/adapters/rate-limit/db-rate-limiter.ts";
import { createRedisRateLimiter } from "../../src/adapters/rate-limit/redis-rate-limiter.ts";
import { REDIS_TEST_URL } from "../support/backends.ts";
import { DB_BACKENDS } from "../support/db-backends.ts";

interface Backend {
  name: string;
  open(): Promise<{ limiter: RateLimiter; close(): Promise<void> }>;
}

const BACKENDS: Backend[] = [
  // The default: counters in the database, on every database the stores run on.
  ...DB_BACKENDS.map(
    (database): Backend => ({
      name: database.name,
      async open() {
        const { handle, close } = await database.open();
        return { limiter: createDbRateLimiter(handle.db), close };
      },
    }),
  ),
  {
    name: "Redis",
    async open() {
      const redis = new Redis(REDIS_TEST_URL);
      return {
        limiter: createRedisRateLimiter(redis, { prefix: `test-${randomUUID()}:` }),
        close: async () => {
          await redis.quit();
        },
      };
    },
  },
];

const NOW = Date.UTC(2026, 10, 25, 0, 30, 0);

for (const backend of BACKENDS) {
  describe(`rate limiter contract: ${backend.name}`, () => {
    let limiter: RateLimiter;
    let close: () => Promise<void>;
    before(async () => {
      ({ limiter, close } = await backend.open());
    });
    after(async () => {
      await close();
    });

    it("allows `max` requests in a window and refuses the next, saying when to retry", async () => {
      for (let i = 1; i <= 3; i += 1) {
        assert.equal((await limiter.consume("a", 3, 60, NOW)).allowed, true, `request ${i}`);
      }
      const refused = await limiter.consume("a", 3, 60, NOW + 15_000);
      assert.equal(refused.allowed, false);
      // NOW is at the start of a minute; 15 s later, 45 s of the window are left.
      assert.equal(refused.retryAfterSeconds, 45);
    });

    it("starts counting again in the next window", async () => {
      for (let i = 0; i < 4; i += 1) {
        await limiter.consume("b", 3, 60, NOW);
      }
      assert.equal((await limiter.consume("b", 3, 60, NOW + 60_000)).allowed, true);
    });

    it("keeps keys apart", async () => {
      for (let i = 0; i < 3; i += 1) {
        await limiter.consume("c1", 3, 60, NOW);
      }
      assert.equal((await limiter.consume("c1", 3, 60, NOW)).allowed, false);
      assert.equal((await limiter.consume("c2", 3, 60, NOW)).allowed, true);
    });

    it("counts every one of many concurrent requests", async () => {
      const decisions = await Promise.all(Array.from({ length: 50 }, () => limiter.consume("d", 20, 60, NOW)));
      assert.equal(decisions.filter((decision) => decision.allowed).length, 20);
    });
  });
}
