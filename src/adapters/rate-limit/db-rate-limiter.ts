import type { Kysely } from "kysely";
import type { RateLimitDecision, RateLimiter } from "../../core/kernel/ports.ts";
import type { Database } from "../db/schema.ts";
import { fixedWindow } from "./fixed-window.ts";
import { prepareQuery } from "../db/prepared-query.ts";

// Built once: every login step counts two or three keys (issue 23).
const countInWindow = prepareQuery<{ key: string; window_start: number; window_end: number }, { count: number }>((db, bind) =>
  db
    .insertInto("rate_limit_counters")
    .values({ key: bind("key"), window_start: bind("window_start"), window_end: bind("window_end"), count: 1 })
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
    .returning(["count"]),
);

/**
 * Rate-limit counters in the database (the default): one row per key, reset
 * when a new window starts. A single upsert, so concurrent requests each count,
 * on SQLite and PostgreSQL alike.
 */
export function createDbRateLimiter(db: Kysely<Database>): RateLimiter & { prune(now: number): Promise<number> } {
  return {
    async consume(key: string, max: number, windowSeconds: number, now: number): Promise<RateLimitDecision> {
      const window = fixedWindow(now, windowSeconds);
      const row = (await countInWindow(db, { key, window_start: window.start, window_end: window.end })).rows[0];
      if (row === undefined) {
        throw new Error("rate_limit_counters upsert returned no row");
      }
      return { allowed: row.count <= max, retryAfterSeconds: window.secondsLeft };
    },

    /** Deletes counters whose window is over. */
    async prune(now: number): Promise<number> {
      const result = await db.deleteFrom("rate_limit_counters").where("window_end", "<=", now).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
