import type { Kysely } from "kysely";
import type { AuditEvent, AuditLog, Random } from "../../core/ports.ts";
import type { Clock } from "../../core/ports.ts";
import type { Database } from "./schema.ts";

export interface StoredAuditEvent extends AuditEvent {
  id: string;
  at: number;
}

/** The audit log with what investigators read back. */
export interface AuditStore extends AuditLog {
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
      return rows.map((row) => ({
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
      }));
    },
  };
}
