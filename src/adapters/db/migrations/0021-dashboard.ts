import type { Kysely } from "kysely";
import type { Migration } from "kysely/migration";

// Issue 22 §2: the operations dashboard counts the code mails the relay took per 5 minutes over
// the last 24 hours. The outbox keeps mails long after they went out; an index by kind and
// sent time reads only the day's code mails, however large the table grows.
export const dashboardMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.createIndex("mail_outbox_kind_sent").on("mail_outbox").columns(["kind", "sent_at"]).execute();
  },
};
