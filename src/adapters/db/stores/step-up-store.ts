import type { Kysely, Selectable } from "kysely";
import type { ChallengeStatus } from "../../../core/kernel/ports.ts";
import type { StepUpCode, StepUpPurpose, StepUpStore } from "../../../core/login/ports-account.ts";
import type { Database, StepUpCodesTable } from "../schema.ts";
import { holdOpenCustomer } from "./challenge-store.ts";
import { inTransaction } from "../in-transaction.ts";
import { recordWrongCodeIn } from "../wrong-code-count.ts";

function toStepUpCode(row: Selectable<StepUpCodesTable>): StepUpCode {
  return {
    id: row.id,
    customerId: row.customer_id,
    purpose: row.purpose as StepUpPurpose,
    bindingHash: row.binding_hash,
    codeHmac: row.code_hmac,
    status: row.status as ChallengeStatus,
    failedAttempts: row.failed_attempts,
    sentAt: row.sent_at,
    expiresAt: row.expires_at,
  };
}

export function createStepUpStore(db: Kysely<Database>): StepUpStore {
  return {
    async start(code: StepUpCode, options?: { evenIfLocked?: boolean }): Promise<boolean> {
      return inTransaction(db, async (trx) => {
        if (!(await holdOpenCustomer(trx, code.customerId, { evenIfLocked: options?.evenIfLocked === true }))) {
          return false;
        }
        await trx
          .updateTable("step_up_codes")
          .set({ status: "superseded" })
          .where("customer_id", "=", code.customerId)
          .where("purpose", "=", code.purpose)
          .where("status", "=", "pending")
          .execute();
        await trx
          .insertInto("step_up_codes")
          .values({
            id: code.id,
            customer_id: code.customerId,
            purpose: code.purpose,
            binding_hash: code.bindingHash,
            code_hmac: code.codeHmac,
            status: code.status,
            failed_attempts: code.failedAttempts,
            sent_at: code.sentAt,
            expires_at: code.expiresAt,
          })
          .execute();
        return true;
      });
    },

    async recentBound(purpose: StepUpPurpose, bindingHash: string, limit: number): Promise<StepUpCode[]> {
      const rows = await db
        .selectFrom("step_up_codes")
        .selectAll()
        .where("purpose", "=", purpose)
        .where("binding_hash", "=", bindingHash)
        // The pending one first (there is at most one): sent_at alone cannot order two codes of one millisecond.
        .orderBy((eb) => eb.case().when("status", "=", "pending").then(0).else(1).end())
        .orderBy("sent_at", "desc")
        .orderBy("id", "desc")
        .limit(limit)
        .execute();
      return rows.map(toStepUpCode);
    },

    recordWrongCode(id: string, maxAttempts: number) {
      return recordWrongCodeIn(db, "step_up_codes", id, maxAttempts);
    },

    async use(id: string): Promise<boolean> {
      const result = await db.updateTable("step_up_codes").set({ status: "used" }).where("id", "=", id).where("status", "=", "pending").executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async supersedePending(customerId: string): Promise<number> {
      const result = await db.updateTable("step_up_codes").set({ status: "superseded" }).where("customer_id", "=", customerId).where("status", "=", "pending").executeTakeFirst();
      return Number(result.numUpdatedRows);
    },
  };
}
