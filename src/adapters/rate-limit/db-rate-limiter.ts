import type { Kysely } from "kysely";
import type { RateLimitDecision, RateLimiter } from "../../core/kernel/ports.ts";
import type { Database } from "../db/schema.ts";
import { fixedWindow } from "./fixed-window.ts";

/**
 * Rate-limit counters in the database (the default): one row per key, reset
 * when a new window starts. A single upsert, so concurrent requests each count,
 * on SQLite and PostgreSQL alike.
 */
export function createDbRateLimiter(db: Kysely<Database>): RateLimiter & { prune(now: number): Promise<number> } {
  return {
    async consume(key: string, max: number, windowSeconds: number, now: number): Promise<RateLimitDecision> {
      const window = fixedWindow(now, windowSeconds);
      const row = await db
        .insertInto("rate_limit_counters")
        .values({ key, window_start: window.start, window_end: window.end, count: 1 })
        .onConflict((oc) =>
          oc.column("key").doUpdateSet((eb) => ({
            count: eb
              .case()
              .when(eb.ref("rate_limit_counters.window_start"), "=", eb.ref("excluded.window_start"))
              .then(eb(eb.ref("rate_limit_counters.count"), "+", 1))
              .else(1)
              .end(),
            window_start: eb.ref("excluded.window_start"),
            window_end: eb.ref("excluded.window_end"),
          })),
        )
        .returning(["count"])
        .executeTakeFirstOrThrow();
      return { allowed: row.count <= max, retryAfterSeconds: window.secondsLeft };
    },

    /** Deletes counters whose window is over. */
    async prune(now: number): Promise<number> {
      const result = await db.deleteFrom("rate_limit_counters").where("window_end", "<=", now).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
