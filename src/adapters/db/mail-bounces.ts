import type { Kysely } from "kysely";
import type { Bounce, CodeMailDeliveries, LastDelivery } from "../../core/mail/bounce.ts";
import { BOUNCE_REASONS } from "../../core/mail/bounce.ts";
import type { Database } from "./schema.ts";
import { prepareQuery } from "./prepared-query.ts";

/** A mail a bounce may be about: one we sent (the relay took it) recently. Never its body or recipient. */
export interface BounceableMail {
  id: string;
  customerId: string | null;
  kind: string | null;
}

export interface MailBounceStore extends CodeMailDeliveries {
  /** The mail `id` if we sent it at or after `sentSince`; null for any other ID (unknown, still pending, too old). */
  findSent(id: string, sentSince: number): Promise<BounceableMail | null>;
  /**
   * Marks the mail with what came back. A hard bounce is never turned back into a delay by a
   * late 4.x.x notice. Returns whether the mark changed (a repeated DSN changes nothing).
   */
  mark(id: string, bounce: Bounce, details: { status: string; diagnostic: string | null; at: number }): Promise<boolean>;
}

/** Code mails looked at for the code screen's sentence: the newest few; a bounce of one of them is still news. */
const RECENT_CODE_MAILS = 3;

// Read by every code screen (issue 23; prepared-query.ts).
const recentCodeMails = prepareQuery<{ customerId: string; since: number }, { status: string; bounce_state: "bounced" | "delayed" | null; bounce_reason: string | null }>(
  (db, bind) =>
    db
      .selectFrom("mail_outbox")
      .select(["status", "bounce_state", "bounce_reason"])
      .where("customer_id", "=", bind("customerId"))
      .where("kind", "=", "code")
      .where("created_at", ">=", bind("since"))
      .orderBy("created_at", "desc")
      .orderBy("id", "desc")
      .limit(RECENT_CODE_MAILS),
);

export function createMailBounceStore(db: Kysely<Database>): MailBounceStore {
  return {
    async findSent(id: string, sentSince: number): Promise<BounceableMail | null> {
      const row = await db
        .selectFrom("mail_outbox")
        .select(["id", "customer_id", "kind"])
        .where("id", "=", id)
        .where("status", "=", "sent")
        .where("sent_at", ">=", sentSince)
        .executeTakeFirst();
      return row === undefined ? null : { id: row.id, customerId: row.customer_id, kind: row.kind };
    },

    async mark(id: string, bounce: Bounce, details: { status: string; diagnostic: string | null; at: number }): Promise<boolean> {
      let update = db
        .updateTable("mail_outbox")
        .set({ bounce_state: bounce.state, bounce_reason: bounce.reason, bounce_status: details.status, bounce_diagnostic: details.diagnostic, bounced_at: details.at })
        .where("id", "=", id)
        .where((eb) => eb.or([eb("bounce_state", "is", null), eb("bounce_status", "!=", details.status)]));
      if (bounce.state === "delayed") {
        update = update.where((eb) => eb.or([eb("bounce_state", "is", null), eb("bounce_state", "=", "delayed")]));
      }
      const result = await update.executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async lastCodeDelivery(customerId: string, since: number): Promise<LastDelivery | null> {
      const { rows } = await recentCodeMails(db, { customerId, since });
      const newest = rows[0];
      if (newest === undefined) {
        return null;
      }
      const bounced = rows.find((row) => row.bounce_state !== null);
      if (bounced !== undefined && bounced.bounce_state !== null) {
        const reason = BOUNCE_REASONS.find((known) => known === bounced.bounce_reason) ?? "other";
        return { state: bounced.bounce_state, reason };
      }
      return { state: newest.status === "sent" ? "sent" : "pending", reason: null };
    },
  };
}
