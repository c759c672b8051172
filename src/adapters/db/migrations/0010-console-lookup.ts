import type { Kysely } from "kysely";
import type { Migration } from "kysely/migration";
import { foldName } from "../../../core/console/name-fold.ts";

/**
 * The console's read side (issue 12): what the call center needs to answer "did my code mail go out?"
 * and "who is this customer?".
 * - mail_outbox: which customer a mail is for, what kind it is ("code" for every code mail), and the
 *   relay's reply line when it took the mail; indexed by (customer_id, created_at) for a customer's last mails.
 * - customers.name_fold: the name folded for search (core/name-fold.ts), backfilled here for existing rows.
 * - audit_events: (actor, at) and (event, at) for the audit log's filters by operator and by event.
 */
export const consoleLookupMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable("mail_outbox").addColumn("customer_id", "text").execute();
    await db.schema.alterTable("mail_outbox").addColumn("kind", "text").execute();
    await db.schema.alterTable("mail_outbox").addColumn("smtp_response", "text").execute();
    await db.schema.createIndex("mail_outbox_customer_created").on("mail_outbox").columns(["customer_id", "created_at"]).execute();

    await db.schema.alterTable("customers").addColumn("name_fold", "text", (col) => col.notNull().defaultTo("")).execute();
    // No index: a partial-name search (LIKE '%…%') cannot use a B-tree; a scan of one short column is the cost.
    await backfillNameFold(db as Kysely<NameRows>);

    await db.schema.createIndex("audit_events_actor_at").on("audit_events").columns(["actor", "at"]).execute();
    await db.schema.createIndex("audit_events_event_at").on("audit_events").columns(["event", "at"]).execute();
  },
};

/** The rows backfillNameFold touches. */
export interface NameRows {
  customers: { id: string; name: string; name_fold: string };
}

/** Folds every customer's name into name_fold: Unicode work SQL cannot do alike on both databases, so it runs here, row by row. */
export async function backfillNameFold(db: Kysely<NameRows>): Promise<void> {
  const rows = await db.selectFrom("customers").select(["id", "name"]).execute();
  for (const row of rows) {
    await db.updateTable("customers").set({ name_fold: foldName(row.name) }).where("id", "=", row.id).execute();
  }
}
