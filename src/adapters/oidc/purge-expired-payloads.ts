import type { Kysely } from "kysely";
import type { Database } from "../db/schema.ts";

/** Rows deleted per statement: each batch is its own short statement, so a backlog never holds a long lock. */
export const OIDC_PURGE_BATCH = 1_000;

/**
 * Deletes the oidc_payloads rows expired by `now` (epoch ms; the adapter already treats them as absent), in
 * batches of `batchSize` until none is left. Returns how many went. Rows without expiry stay.
 */
export async function purgeExpiredOidcPayloads(db: Kysely<Database>, now: number, options: { batchSize?: number } = {}): Promise<number> {
  const batchSize = options.batchSize ?? OIDC_PURGE_BATCH;
  let purged = 0;
  for (;;) {
    // Neither SQLite (as built) nor PostgreSQL has DELETE … LIMIT: the batch is chosen by its key, the
    // (model, id_hash) row value, in a subquery both understand; oidc_payloads_expires finds the rows.
    const result = await db
      .deleteFrom("oidc_payloads")
      .where((eb) =>
        eb(
          eb.refTuple("model", "id_hash"),
          "in",
          eb.selectFrom("oidc_payloads").select(["model", "id_hash"]).where("expires_at", "<=", now).limit(batchSize).$asTuple("model", "id_hash"),
        ),
      )
      .executeTakeFirst();
    const deleted = Number(result.numDeletedRows);
    purged += deleted;
    if (deleted < batchSize) {
      return purged;
    }
  }
}
