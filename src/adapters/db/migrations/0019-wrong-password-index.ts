import { sql } from "kysely";
import type { Kysely } from "kysely";
import type { Migration } from "kysely/migration";

// Issue 21 item 5: マイページ says how many wrong passwords came since the previous login. A partial
// index of the password.failed rows by customer and time answers that from a few index entries,
// however many other events an account has piled up (an attacker's refused attempts on a locked
// account among them), and only those rows pay for it on write.
export const wrongPasswordIndexMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createIndex("audit_events_wrong_password")
      .on("audit_events")
      .columns(["customer_id", "at"])
      .where(sql<boolean>`event = 'password.failed'`)
      .execute();
  },
};
