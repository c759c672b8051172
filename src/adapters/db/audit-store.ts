import type { Kysely, Selectable } from "kysely";
import type { Random } from "../../core/kernel/ports.ts";
import { sql } from "kysely";
import type { AccountActivityStore, AuditCursor, WrongPasswords } from "../../core/kernel/ports-audit.ts";
import type { StoredAuditEvent } from "../../core/kernel/ports-audit.ts";
import type { AuditEvent, AuditEventName, AuditLog } from "../../core/kernel/ports-audit.ts";
import type { Clock } from "../../core/kernel/ports.ts";
import type { AuditEventsTable, Database } from "./schema.ts";
import type { ChainedRow } from "./audit-chain.ts";
import { chainHash } from "./audit-chain.ts";
import { inTransaction } from "./in-transaction.ts";
import { prepareQuery } from "./prepared-query.ts";

export type { StoredAuditEvent } from "../../core/kernel/ports-audit.ts";

/** The audit log with what investigators and the customer's login history read back. */
export interface AuditStore extends AuditLog, AccountActivityStore {
  /** The customer's events, oldest first. */
  forCustomer(customerId: string): Promise<StoredAuditEvent[]>;
}

/** The append-only audit log: this adapter inserts and reads, never updates or deletes. */
export function createAuditStore(db: Kysely<Database>, clock: Clock, random: Random): AuditStore {
  return {
    async record(event: AuditEvent): Promise<void> {
      const row = {
        id: random.id(),
        at: clock.now(),
        event: event.event,
        outcome: event.outcome,
        customer_id: event.customerId,
        actor: event.actor,
        ip: event.ip,
        user_agent: event.userAgent,
        request_id: event.requestId,
        detail: JSON.stringify(event.detail),
      };
      await appendChained(db, row);
    },

    async forCustomer(customerId: string): Promise<StoredAuditEvent[]> {
      const rows = await db.selectFrom("audit_events").selectAll().where("customer_id", "=", customerId).orderBy("at").execute();
      return rows.map(toStoredEvent);
    },

    async recentEvents(customerId: string, query: { kinds: readonly AuditEventName[]; since: number; before: AuditCursor | null; limit: number }): Promise<StoredAuditEvent[]> {
      const { before } = query;
      let select = db
        .selectFrom("audit_events")
        .selectAll()
        .where("customer_id", "=", customerId)
        .where("event", "in", [...query.kinds])
        .where("at", ">=", query.since);
      if (before !== null) {
        select = select.where((eb) => eb.or([eb("at", "<", before.at), eb.and([eb("at", "=", before.at), eb("id", "<", before.id)])]));
      }
      const rows = await select.orderBy("at", "desc").orderBy("id", "desc").limit(query.limit).execute();
      return rows.map(toStoredEvent);
    },

    async wrongPasswordsAfter(customerId: string, after: number): Promise<WrongPasswords> {
      const row = await db
        .selectFrom("audit_events")
        .select((eb) => [eb.fn.countAll().as("count"), eb.fn.max("at").as("last_at")])
        .where("customer_id", "=", customerId)
        // Written out, not a parameter: only then do both databases use the partial index of these rows (migration 0019).
        .where(sql<boolean>`event = 'password.failed'`)
        .where("at", ">", after)
        .executeTakeFirstOrThrow();
      return { count: Number(row.count), lastAt: row.last_at === null ? null : Number(row.last_at) };
    },
  };
}

/**
 * Appends one row to the hash chain (issue 17 item 9), in one transaction: the UPDATE of the chain
 * head comes first, so it takes the head's row lock (PostgreSQL) or the write lock (SQLite) before
 * anything is read, and appends from several instances or processes queue there and each links to
 * the row committed before it.
 */
async function appendChained(db: Kysely<Database>, row: Omit<ChainedRow, "seq">): Promise<void> {
  await inTransaction(db, async (trx) => {
    const head = (await advanceChainHead(trx, {})).rows[0];
    if (head === undefined) {
      throw new Error("audit_chain has no head row: run `npm run cli -- migrate`");
    }
    const seq = Number(head.seq);
    const hash = chainHash(head.hash, { ...row, seq });
    await insertAuditEvent(trx, { ...row, seq, hash });
    await setChainHash(trx, { hash });
  });
}

// The three statements of every audit row, built once (issue 23: the storm writes six rows per login).
const advanceChainHead = prepareQuery<Record<string, never>, { seq: number; hash: string }>((db) =>
  db.updateTable("audit_chain").set((eb) => ({ seq: eb("seq", "+", 1) })).where("id", "=", 1).returning(["seq", "hash"]),
);
const insertAuditEvent = prepareQuery<ChainedRow & { hash: string }, unknown>((db, bind) =>
  db.insertInto("audit_events").values({
    id: bind("id"), at: bind("at"), event: bind("event"), outcome: bind("outcome"), customer_id: bind("customer_id"),
    actor: bind("actor"), ip: bind("ip"), user_agent: bind("user_agent"), request_id: bind("request_id"),
    detail: bind("detail"), seq: bind("seq"), hash: bind("hash"),
  }),
);
const setChainHash = prepareQuery<{ hash: string }, unknown>((db, bind) => db.updateTable("audit_chain").set({ hash: bind("hash") }).where("id", "=", 1));

/** An audit_events row as the core sees it (also read by the console's audit query). */
export function toStoredEvent(row: Selectable<AuditEventsTable>): StoredAuditEvent {
  return {
    id: row.id,
    at: row.at,
    event: row.event as AuditEvent["event"],
    outcome: row.outcome as AuditEvent["outcome"],
    customerId: row.customer_id,
    actor: row.actor,
    ip: row.ip,
    userAgent: row.user_agent,
    requestId: row.request_id,
    detail: JSON.parse(row.detail) as AuditEvent["detail"],
  };
}
