import { sql } from "kysely";
import type { Kysely } from "kysely";
import type { Migration } from "kysely/migration";

/**
 * Login IDs became case-insensitive (docs/decisions.md): stored in lower case, as
 * normalizeLoginId now gives them. Two IDs that differ only in case cannot both be
 * kept; the migration stops and names them rather than pick one itself.
 */
export const loginIdLowerCaseMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const { rows } = await sql<{ login_id: string }>`
      select lower(login_id) as login_id from customers group by lower(login_id) having count(*) > 1 order by 1 limit 20`.execute(db);
    if (rows.length > 0) {
      const ids = rows.map((row) => row.login_id).join(", ");
      throw new Error(`login IDs that differ only in case must be renamed before this migration (one customer each): ${ids}`);
    }
    await sql`update customers set login_id = lower(login_id) where login_id <> lower(login_id)`.execute(db);
  },
};
