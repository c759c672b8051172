import { sql } from "kysely";
import type { Kysely } from "kysely";
import type { AddressCount, BucketCount, DashboardQuery, LockedAccount } from "../../core/console/dashboard/ports-dashboard.ts";
import type { Database } from "./schema.ts";

/**
 * The operations dashboard's grouped counts (issue 22 §2), one query each: audit events by name
 * and 5-minute bucket over the index (event, at), which holds both columns (no row is read);
 * code mails by (kind, sent_at) (migration 0021); the last hour's failed logins by address;
 * the last hour's locks. The bucket is integer division on both backends (INTEGER, BIGINT).
 */
export function createDashboardQuery(db: Kysely<Database>): DashboardQuery {
  return {
    async auditCounts(events: readonly string[], from: number, to: number, bucketMs: number): Promise<BucketCount[]> {
      if (events.length === 0) {
        return [];
      }
      const bucket = bucketOf("at", from, bucketMs);
      const rows = await db
        .selectFrom("audit_events")
        .select(["event", bucket.as("bucket"), (eb) => eb.fn.countAll<number | string>().as("count")])
        .where("event", "in", [...events])
        .where("at", ">=", from)
        .where("at", "<", to)
        .groupBy(["event", bucket])
        .execute();
      return rows.map((row) => ({ event: row.event, bucket: Number(row.bucket), count: Number(row.count) }));
    },

    async codeMailsSent(from: number, to: number, bucketMs: number): Promise<BucketCount[]> {
      const bucket = bucketOf("sent_at", from, bucketMs);
      const rows = await db
        .selectFrom("mail_outbox")
        .select([bucket.as("bucket"), (eb) => eb.fn.countAll<number | string>().as("count")])
        .where("kind", "=", "code")
        .where("sent_at", ">=", from)
        .where("sent_at", "<", to)
        .groupBy(bucket)
        .execute();
      return rows.map((row) => ({ event: "mail.sent", bucket: Number(row.bucket), count: Number(row.count) }));
    },

    async addressCounts(events: readonly string[], from: number, to: number): Promise<AddressCount[]> {
      if (events.length === 0) {
        return [];
      }
      const rows = await db
        .selectFrom("audit_events")
        .select(["ip", (eb) => eb.fn.countAll<number | string>().as("count")])
        .where("event", "in", [...events])
        .where("at", ">=", from)
        .where("at", "<", to)
        .groupBy("ip")
        .execute();
      return rows.map((row) => ({ ip: row.ip, count: Number(row.count) }));
    },

    async lockedAccounts(from: number, to: number, limit: number): Promise<LockedAccount[]> {
      const rows = await db
        .selectFrom("audit_events as e")
        .leftJoin("customers as c", "c.id", "e.customer_id")
        .select(["e.at", "e.customer_id", "c.login_id"])
        .where("e.event", "=", "account.locked")
        .where("e.at", ">=", from)
        .where("e.at", "<", to)
        .where("e.customer_id", "is not", null)
        .orderBy("e.at", "desc")
        .orderBy("e.id", "desc")
        .limit(limit)
        .execute();
      return rows.map((row) => ({ at: Number(row.at), customerId: row.customer_id ?? "", loginId: row.login_id }));
    },
  };
}

// Literals, not parameters: PostgreSQL matches a GROUP BY expression to its SELECT twin only when
// both are the same text, and two placeholders are two different expressions. Integers only.
function bucketOf(column: "at" | "sent_at", from: number, bucketMs: number) {
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(bucketMs) || bucketMs <= 0) {
    throw new Error(`dashboard bucket: ${from}, ${bucketMs}`);
  }
  return sql<number>`(${sql.ref(column)} - ${sql.lit(from)}) / ${sql.lit(bucketMs)}`;
}
