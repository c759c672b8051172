import { sql } from "kysely";
import type { Kysely, Migration } from "kysely";

// The login-ID reminder and the console's search by address look customers up by
// `lower(email)`, oldest first (customer-store.ts findByEmail). Without an index that was a scan
// of the whole table: 268 ms a request at 900k customers (issue 17 item 6). An index on exactly
// that expression, then created_at for the ORDER BY … LIMIT: both databases use it for
// `WHERE lower("email") = ?` (SQLite 3.9+ expression indexes; PostgreSQL takes a function call
// without extra parentheses). test/contract/query-plans.test.ts checks the plans. `if not exists`:
// a large PostgreSQL deployment may build it beforehand with CREATE INDEX CONCURRENTLY (docs/deploy.md).
export const customerEmailIndexMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await sql`create index if not exists customers_email_lower on customers (lower(email), created_at)`.execute(db);
  },
};
