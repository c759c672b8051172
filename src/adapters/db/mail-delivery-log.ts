import type { Kysely } from "kysely";
import type { MailKind } from "../../core/kernel/ports.ts";
import type { MailDelivery, MailDeliveryLog } from "../../core/console/ports-console-read.ts";
import type { Database } from "./schema.ts";
import { BOUNCE_REASONS } from "../../core/mail/bounce.ts";

/** A customer's mails as the console shows their delivery, read from the outbox (index: customer_id, created_at). */
export function createMailDeliveryLog(db: Kysely<Database>): MailDeliveryLog {
  return {
    async recentForCustomer(customerId: string, kind: MailKind, limit: number): Promise<MailDelivery[]> {
      const rows = await db
        .selectFrom("mail_outbox")
        // Never the body (a pending code mail still holds its code) nor the recipient.
        .select(["id", "created_at", "status", "sent_at", "attempts", "last_error", "smtp_response", "bounce_state", "bounce_reason", "bounce_status", "bounce_diagnostic"])
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
        bounce: row.bounce_state === null ? null : { state: row.bounce_state, reason: BOUNCE_REASONS.find((known) => known === row.bounce_reason) ?? "other" },
        bounceText: row.bounce_status === null ? null : [row.bounce_status, row.bounce_diagnostic].filter((part) => part !== null).join(" "),
      }));
    },

    async hardBouncedTwice(customerId: string, address: string): Promise<boolean> {
      const rows = await db
        .selectFrom("mail_outbox")
        .select("bounce_state")
        .where("customer_id", "=", customerId)
        .where("status", "=", "sent")
        .where("recipient", "=", address)
        .orderBy("created_at", "desc")
        .orderBy("id", "desc")
        .limit(2)
        .execute();
      return rows.length === 2 && rows.every((row) => row.bounce_state === "bounced");
    },
  };
}
