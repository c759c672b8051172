import type { Kysely, Selectable } from "kysely";
import type { AccountActivityStore, AuditCursor, AuditEvent, AuditEventName, AuditLog, Random, StoredAuditEvent } from "../../core/ports.ts";
import type { Clock } from "../../core/ports.ts";
import type { AuditEventsTable, Database } from "./schema.ts";

export type { StoredAuditEvent } from "../../core/ports.ts";

/** The audit log with what investigators and the customer's login history read back. */
export interface AuditStore extends AuditLog, AccountActivityStore {
  /** The customer's events, oldest first. */
  forCustomer(customerId: string): Promise<StoredAuditEvent[]>;
}

/** The append-only audit log: this adapter inserts and reads, never updates or deletes. */
export function createAuditStore(db: Kysely<Database>, clock: Clock, random: Random): AuditStore {
  return {
    async record(event: AuditEvent): Promise<void> {
      await db
        .insertInto("audit_events")
        .values({
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
        })
        .execute();
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
