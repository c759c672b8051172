import type { Kysely } from "kysely";
import type { Migration } from "kysely/migration";

// The trading PIN (取引暗証番号, issue 13 §4, seed Q10): a table of its own, one row per customer
// who has a PIN. Its failures and lock are apart from the login's (a PIN lock does not stop login).
export const tradingPinMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable("trading_pins")
      .addColumn("customer_id", "text", (col) => col.primaryKey().references("customers.id"))
      .addColumn("pin_hash", "text", (col) => col.notNull())
      .addColumn("failed_count", "integer", (col) => col.notNull().defaultTo(0))
      .addColumn("locked_at", "bigint")
      .addColumn("set_at", "bigint", (col) => col.notNull())
      .execute();
  },
};
