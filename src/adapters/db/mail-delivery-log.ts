import type { Kysely } from "kysely";
import type { MailKind } from "../../core/kernel/ports.ts";
import type { MailDelivery, MailDeliveryLog } from "../../core/console/ports-console-read.ts";
import type { Database } from "./schema.ts";

/** A customer's mails as the console shows their delivery, read from the outbox (index: customer_id, created_at). */
export function createMailDeliveryLog(db: Kysely<Database>): MailDeliveryLog {
  return {
    async recentForCustomer(customerId: string, kind: MailKind, limit: number): Promise<MailDelivery[]> {
      const rows = await db
        .selectFrom("mail_outbox")
        // Never the body (a pending code mail still holds its code) nor the recipient.
        .select(["id", "created_at", "status", "sent_at", "attempts", "last_error", "smtp_response"])
        .where("customer_id", "=", customerId)
        .where("kind", "=", kind)
        .orderBy("created_at", "desc")
        .orderBy("id", "desc")
        .limit(limit)
        .execute();
      return rows.map((row) => ({
        id: row.id,
        createdAt: row.created_at,
        status: row.status === "sent" ? "sent" : "pending",
        sentAt: row.sent_at,
        attempts: row.attempts,
        lastError: row.last_error,
        smtpResponse: row.smtp_response,
      }));
    },
  };
}
