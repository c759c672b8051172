import type { Kysely, Transaction } from "kysely";
import type { Database } from "./schema.ts";

/**
 * Runs `work` in a transaction: the caller's, when the store was built on one (a change
 * committed together with its mail, MailOutbox.queueWith), else a new one. Kysely does
 * not nest transactions.
 */
export function inTransaction<T>(db: Kysely<Database>, work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  if (db.isTransaction) {
    return work(db as Transaction<Database>);
  }
  return db.transaction().execute(work);
}
