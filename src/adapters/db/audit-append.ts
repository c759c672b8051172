import type { Kysely } from "kysely";
import type { Database } from "./schema.ts";
import type { ChainedRow } from "./audit-chain.ts";
import { chainHash } from "./audit-chain.ts";
import { inTransaction } from "./in-transaction.ts";
import { prepareQuery } from "./prepared-query.ts";

export type UnchainedRow = Omit<ChainedRow, "seq">;

interface Waiting {
  row: UnchainedRow;
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Appends rows to the audit hash chain (issue 17 item 9) with group commit (issue 23): the rows
 * recorded during one turn of the event loop — the storm's concurrent requests — are written in
 * one transaction, in the order they were recorded, and each `append` resolves only once its row
 * is committed. A store bound to a caller's transaction appends at once, inside it.
 *
 * The UPDATE of the chain head comes first in the transaction, so it takes the head's row lock
 * (PostgreSQL) or the write lock (SQLite) before anything is read: appends from several instances
 * or processes queue there and each batch links to the row committed before it.
 */
export function createAuditAppender(db: Kysely<Database>): (row: UnchainedRow) => Promise<void> {
  if (db.isTransaction) {
    return (row) => appendBatch(db, [row]);
  }
  let waiting: Waiting[] = [];
  const flush = (): void => {
    const batch = waiting;
    waiting = [];
    appendBatch(db, batch.map((one) => one.row)).then(
      () => batch.forEach((one) => one.resolve()),
      (error: unknown) => batch.forEach((one) => one.reject(error)),
    );
  };
  return (row) =>
    new Promise<void>((resolve, reject) => {
      if (waiting.length === 0) {
        // After this turn's I/O callbacks: every request that records meanwhile joins the batch.
        setImmediate(flush);
      }
      waiting.push({ row, resolve, reject });
    });
}

async function appendBatch(db: Kysely<Database>, rows: readonly UnchainedRow[]): Promise<void> {
  await inTransaction(db, async (trx) => {
    const head = (await advanceChainHead(trx, { count: rows.length })).rows[0];
    if (head === undefined) {
      throw new Error("audit_chain has no head row: run `npm run cli -- migrate`");
    }
    let seq = Number(head.seq) - rows.length;
    let hash = head.hash;
    for (const row of rows) {
      seq += 1;
      hash = chainHash(hash, { ...row, seq });
      await insertAuditEvent(trx, { ...row, seq, hash });
    }
    await setChainHash(trx, { hash });
  });
}

// The statements of every audit row, built once (prepared-query.ts): the storm writes six rows per login.
// RETURNING gives the new head's seq, and the hash as it was: the UPDATE leaves that column alone.
const advanceChainHead = prepareQuery<{ count: number }, { seq: number; hash: string }>((db, bind) =>
  db.updateTable("audit_chain").set((eb) => ({ seq: eb("seq", "+", bind("count")) })).where("id", "=", 1).returning(["seq", "hash"]),
);
const insertAuditEvent = prepareQuery<ChainedRow & { hash: string }, unknown>((db, bind) =>
  db.insertInto("audit_events").values({
    id: bind("id"), at: bind("at"), event: bind("event"), outcome: bind("outcome"), customer_id: bind("customer_id"),
    actor: bind("actor"), ip: bind("ip"), user_agent: bind("user_agent"), request_id: bind("request_id"),
    detail: bind("detail"), seq: bind("seq"), hash: bind("hash"),
  }),
);
const setChainHash = prepareQuery<{ hash: string }, unknown>((db, bind) => db.updateTable("audit_chain").set({ hash: bind("hash") }).where("id", "=", 1));
