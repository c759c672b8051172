import { sql } from "kysely";
import type { Kysely } from "kysely";
import type { Migration } from "kysely/migration";

/**
 * Recovery without leaks (issue 17 items 6 and 7).
 * - customers_email_lower: the login-ID reminder and the console's search by address look customers
 *   up by `lower(email)`, oldest first (customer-store.ts findByEmail). Without an index that was a
 *   scan of the whole table: 268 ms a request at 900k customers. The index is on exactly that
 *   expression, then created_at for the ORDER BY … LIMIT; both databases use it for
 *   `WHERE lower("email") = ?` (SQLite 3.9+ expression indexes; PostgreSQL takes a function call
 *   without extra parentheses); test/contract/query-plans.test.ts checks the plans. `if not exists`:
 *   a large PostgreSQL deployment may build it beforehand with CREATE INDEX CONCURRENTLY (docs/deploy.md).
 * - recovery_requests: a forgotten-ID or forgotten-password request, written (sealed) the same way
 *   whatever it will match, and resolved after the answer by the recovery worker; a row whose
 *   instance died before resolving it is taken up by any instance once its lease ends.
 */
export const recoveryRequestsMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql`create index if not exists customers_email_lower on customers (lower(email), created_at)`.execute(db);
    await db.schema
      .createTable("recovery_requests")
      .addColumn("id", "text", (col) => col.primaryKey())
      .addColumn("payload", "text", (col) => col.notNull())
      .addColumn("created_at", "bigint", (col) => col.notNull())
      .addColumn("claimed_until", "bigint")
      .addColumn("attempts", "integer", (col) => col.notNull().defaultTo(0))
      .execute();
    await db.schema.createIndex("recovery_requests_claimed_until").on("recovery_requests").column("claimed_until").execute();
  },
};
