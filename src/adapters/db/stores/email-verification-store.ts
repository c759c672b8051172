import type { Kysely, Selectable } from "kysely";
import type { EmailVerification, EmailVerificationStatus, EmailVerificationStore } from "../../../core/console/security-requests/ports-security-requests.ts";
import type { Database, EmailVerificationsTable } from "../schema.ts";
import { inTransaction } from "../in-transaction.ts";

function toVerification(row: Selectable<EmailVerificationsTable>): EmailVerification {
  return {
    id: row.id,
    customerId: row.customer_id,
    operatorId: row.operator_id,
    email: row.email,
    codeHmac: row.code_hmac,
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
    failedAttempts: row.failed_attempts,
    status: row.status as EmailVerificationStatus,
  };
}

/** Codes that verify a new 重要メール (migration 0017): only their HMAC, one pending per customer and operator. */
export function createEmailVerificationStore(db: Kysely<Database>): EmailVerificationStore {
  return {
    async start(verification): Promise<void> {
      await inTransaction(db, async (trx) => {
        await trx
          .updateTable("email_verifications")
          .set({ status: "superseded" })
          .where("customer_id", "=", verification.customerId)
          .where("operator_id", "=", verification.operatorId)
          .where("status", "=", "pending")
          .execute();
        await trx
          .insertInto("email_verifications")
          .values({
            id: verification.id,
            customer_id: verification.customerId,
            operator_id: verification.operatorId,
            email: verification.email,
            code_hmac: verification.codeHmac,
            created_at: verification.createdAt,
            expires_at: verification.expiresAt,
            status: "pending",
          })
          .execute();
      });
    },

    async latestPending(customerId: string, operatorId: string): Promise<EmailVerification | null> {
      const row = await db
        .selectFrom("email_verifications")
        .selectAll()
        .where("customer_id", "=", customerId)
        .where("operator_id", "=", operatorId)
        .where("status", "=", "pending")
        .orderBy("created_at", "desc")
        .orderBy("id", "desc")
        .executeTakeFirst();
      return row === undefined ? null : toVerification(row);
    },

    async recordWrongCode(id: string, maxAttempts: number) {
      return inTransaction(db, async (trx) => {
        const result = await trx
          .updateTable("email_verifications")
          .set((eb) => ({ failed_attempts: eb("failed_attempts", "+", 1) }))
          .where("id", "=", id)
          .where("status", "=", "pending")
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) !== 1) {
          return null;
        }
        await trx.updateTable("email_verifications").set({ status: "burned" }).where("id", "=", id).where("failed_attempts", ">=", maxAttempts).execute();
        const row = await trx.selectFrom("email_verifications").select(["failed_attempts", "status"]).where("id", "=", id).executeTakeFirstOrThrow();
        return { failedAttempts: row.failed_attempts, status: row.status as EmailVerificationStatus };
      });
    },

    async use(id: string): Promise<boolean> {
      const result = await db.updateTable("email_verifications").set({ status: "used" }).where("id", "=", id).where("status", "=", "pending").executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
  };
}
