import type { Kysely } from "kysely";
import type { Customer } from "../../../core/kernel/ports.ts";
import type { CustomerDirectory } from "../../../core/console/ports-console-read.ts";
import type { Database } from "../schema.ts";
import { toCustomer } from "./customer-store.ts";
import { likeLiteral } from "../like-pattern.ts";

/**
 * The console's customer search on the customers table. A partial-name search scans the
 * short name_fold column (no B-tree helps with '%…%'); the call center searches one
 * customer at a time, and the LIMIT stops the scan early on common names.
 */
export function createCustomerDirectory(db: Kysely<Database>): CustomerDirectory {
  return {
    async findByLoginIdPrefix(prefix: string, limit: number): Promise<Customer[]> {
      const rows = await db.selectFrom("customers").selectAll().where(likeLiteral("login_id", prefix, "prefix")).orderBy("login_id").limit(limit).execute();
      return rows.map(toCustomer);
    },

    async findByNameFold(fold: string, limit: number): Promise<Customer[]> {
      const rows = await db.selectFrom("customers").selectAll().where(likeLiteral("name_fold", fold, "anywhere")).orderBy("login_id").limit(limit).execute();
      return rows.map(toCustomer);
    },
  };
}
