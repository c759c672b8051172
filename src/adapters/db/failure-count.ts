import type { Kysely } from "kysely";
import type { Database } from "./schema.ts";

/**
 * Counts one failed login on a customer or an operator and locks at `threshold`, in one
 * statement and only while unlocked: on PostgreSQL racing failures wait for the row lock and
 * re-check `locked_at`; on SQLite the statement holds the database's write lock. So every
 * failure counts, exactly one locks, and those after it see the lock (issue 9: a race past the
 * lockout). A failure on an account already locked is not counted.
 */
export async function recordFailureIn(
  db: Kysely<Database>,
  table: "customers" | "operators",
  id: string,
  threshold: number,
  now: number,
): Promise<{ failedCount: number; lockedNow: boolean; alreadyLocked: boolean }> {
  const row = await db
    .updateTable(table as "customers")
    .set((eb) => ({
      failed_count: eb("failed_count", "+", 1),
      locked_at: eb.case().when("failed_count", ">=", threshold - 1).then(now).else(null).end(),
    }))
    .where("id", "=", id)
    .where("locked_at", "is", null)
    .returning(["failed_count", "locked_at"])
    .executeTakeFirst();
  if (row !== undefined) {
    return { failedCount: row.failed_count, lockedNow: row.locked_at !== null, alreadyLocked: false };
  }
  const locked = await db.selectFrom(table as "customers").select("failed_count").where("id", "=", id).executeTakeFirstOrThrow();
  return { failedCount: locked.failed_count, lockedNow: false, alreadyLocked: true };
}
