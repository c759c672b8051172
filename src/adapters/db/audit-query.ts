import type { Kysely } from "kysely";
import type { AuditCursor } from "../../core/kernel/ports-audit.ts";
import type { AuditFilter, AuditQuery, AuditRecord } from "../../core/console/ports-console-read.ts";
import type { Database } from "./schema.ts";
import { toStoredEvent } from "./audit-store.ts";
import { likeLiteral } from "./like-pattern.ts";

/**
 * The audit log read by filters for the console (issue 12 §5), newest first, with the login IDs
 * of the customer and of the acting operator joined in (an operator acts under their row ID).
 * Indexes: (customer_id, at), (actor, at), (event, at), (at).
 */
export function createAuditQuery(db: Kysely<Database>): AuditQuery {
  return {
    async find(filter: AuditFilter, before: AuditCursor | null, limit: number): Promise<AuditRecord[]> {
      let select = db
        .selectFrom("audit_events as e")
        .leftJoin("customers as c", "c.id", "e.customer_id")
        .leftJoin("operators as o", "o.id", "e.actor")
        .selectAll("e")
        .select(["c.login_id as customer_login_id", "o.login_id as operator_login_id"]);
      if (filter.customerId !== undefined) {
        select = select.where("e.customer_id", "=", filter.customerId);
      }
      if (filter.actor !== undefined) {
        select = select.where("e.actor", "=", filter.actor);
      }
      if (filter.event !== undefined) {
        select = select.where("e.event", "=", filter.event);
      }
      if (filter.eventPrefix !== undefined) {
        select = select.where(likeLiteral("e.event", filter.eventPrefix, "prefix"));
      }
      if (filter.from !== undefined) {
        select = select.where("e.at", ">=", filter.from);
      }
      if (filter.to !== undefined) {
        select = select.where("e.at", "<", filter.to);
      }
      if (before !== null) {
        select = select.where((eb) => eb.or([eb("e.at", "<", before.at), eb.and([eb("e.at", "=", before.at), eb("e.id", "<", before.id)])]));
      }
      const rows = await select.orderBy("e.at", "desc").orderBy("e.id", "desc").limit(limit).execute();
      return rows.map((row) => ({ ...toStoredEvent(row), customerLoginId: row.customer_login_id, operatorLoginId: row.operator_login_id }));
    },
  };
}
