import type { Kysely } from "kysely";
import type { Migration } from "kysely/migration";

/**
 * Customers get a date of birth (issue 11), for the forgotten-password and
 * forgotten-ID flows: text `YYYY-MM-DD` (the same on SQLite and PostgreSQL, and
 * never shifted by a time zone as a timestamp would be). Nullable: customers from
 * before have none on record and stay empty; those flows send them to the call center.
 */
export const birthDateMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable("customers").addColumn("birth_date", "text").execute();
  },
};
