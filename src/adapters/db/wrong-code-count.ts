import type { Kysely } from "kysely";
import type { ChallengeStatus } from "../../core/kernel/ports.ts";
import type { Database } from "./schema.ts";

/**
 * Counts one wrong code on a pending login challenge or step-up code and burns it at
 * `maxAttempts`, in one statement, so two wrong codes racing each count. Null when the
 * code was no longer pending.
 */
export async function recordWrongCodeIn(
  db: Kysely<Database>,
  table: "login_challenges" | "step_up_codes",
  id: string,
  maxAttempts: number,
): Promise<{ failedAttempts: number; status: ChallengeStatus } | null> {
  const row = await db
    .updateTable(table as "login_challenges")
    .set((eb) => ({
      failed_attempts: eb("failed_attempts", "+", 1),
      status: eb.case().when("failed_attempts", ">=", maxAttempts - 1).then("burned").else("pending").end(),
    }))
    .where("id", "=", id)
    .where("status", "=", "pending")
    .returning(["failed_attempts", "status"])
    .executeTakeFirst();
  return row === undefined ? null : { failedAttempts: row.failed_attempts, status: row.status as ChallengeStatus };
}
