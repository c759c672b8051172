import type { Kysely, Selectable } from "kysely";
import type { Random } from "../../core/kernel/ports.ts";
import { sql } from "kysely";
import type { AccountActivityStore, AuditCursor, WrongPasswords } from "../../core/kernel/ports-audit.ts";
import type { StoredAuditEvent } from "../../core/kernel/ports-audit.ts";
import type { AuditEvent, AuditEventName, AuditLog } from "../../core/kernel/ports-audit.ts";
import type { Clock } from "../../core/kernel/ports.ts";
import type { AuditEventsTable, Database } from "./schema.ts";
import { createAuditAppender } from "./audit-append.ts";
import { prepareQuery } from "./prepared-query.ts";

export type { StoredAuditEvent } from "../../core/kernel/ports-audit.ts";

/** The audit log with what investigators and the customer's login history read back. */
export interface AuditStore extends AuditLog, AccountActivityStore {
  /** The customer's events, oldest first. */
  forCustomer(customerId: string): Promise<StoredAuditEvent[]>;
}

// マイページ shows the wrong passwords since the last login at every visit (issue 23; prepared-query.ts).
const wrongPasswordsOf = prepareQuery<{ customerId: string; after: number }, { count: number | string | bigint; last_at: number | null }>((db, bind) =>
  db
    .selectFrom("audit_events")
    .select((eb) => [eb.fn.countAll().as("count"), eb.fn.max("at").as("last_at")])
    .where("customer_id", "=", bind("customerId"))
    // Written out, not a parameter: only then do both databases use the partial index of these rows (migration 0019).
    .where(sql<boolean>`event = 'password.failed'`)
    .where("at", ">", bind("after")),
);

/** The append-only audit log: this adapter inserts and reads, never updates or deletes. */
export function createAuditStore(db: Kysely<Database>, clock: Clock, random: Random): AuditStore {
  const append = createAuditAppender(db);
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
      await append(row);
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
      const row = (await wrongPasswordsOf(db, { customerId, after })).rows[0];
      if (row === undefined) {
        throw new Error("an aggregate returned no row");
      }
      return { count: Number(row.count), lastAt: row.last_at === null ? null : Number(row.last_at) };
    },
  };
}

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
