import type { Kysely } from "kysely";
import type { Migration } from "kysely/migration";

// Login notices (issue 11, JSDA 2025): a mail after every login unless the customer turns it off,
// and always for a device this account has not seen (a long-lived random cookie, stored hashed).
export const loginNoticesMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable("customers").addColumn("notify_every_login", "integer", (col) => col.notNull().defaultTo(1)).execute();
    await db.schema
      .createTable("known_devices")
      .addColumn("customer_id", "text", (col) => col.notNull().references("customers.id"))
      .addColumn("device_hash", "text", (col) => col.notNull())
      .addColumn("first_seen_at", "bigint", (col) => col.notNull())
      .addColumn("last_seen_at", "bigint", (col) => col.notNull())
      .addPrimaryKeyConstraint("known_devices_pk", ["customer_id", "device_hash"])
      .execute();
  },
};
