import type { Kysely } from "kysely";
import type { Migration } from "kysely/migration";

// Issue 21 item 3: a session that ended says why (another device, the call center, a lock, a
// freeze, a new password or 重要メール, a timeout). One word of SESSION_END_REASONS, written when
// the session ends; null for sessions ended before, which then say only "please log in".
export const sessionEndReasonMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable("sessions").addColumn("end_reason", "text").execute();
  },
};
