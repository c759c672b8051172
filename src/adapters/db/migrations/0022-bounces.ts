import type { Kysely } from "kysely";
import type { Migration } from "kysely/migration";

// Issue 22 §1: a delivery status notification that comes back to a mail's return path marks that
// mail in the outbox: bounced (5.x.x) or delayed (4.x.x), why in one word, the DSN's status code,
// the remote server's text (bounded, for the call center only) and when. Null: no bounce known.
// The customer's newest code mails are found by the existing (customer_id, created_at) index.
export const bouncesMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable("mail_outbox").addColumn("bounce_state", "text").execute();
    await db.schema.alterTable("mail_outbox").addColumn("bounce_reason", "text").execute();
    await db.schema.alterTable("mail_outbox").addColumn("bounce_status", "text").execute();
    await db.schema.alterTable("mail_outbox").addColumn("bounce_diagnostic", "text").execute();
    await db.schema.alterTable("mail_outbox").addColumn("bounced_at", "bigint").execute();
  },
};
