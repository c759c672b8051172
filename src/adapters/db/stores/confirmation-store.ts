import type { Kysely, Selectable } from "kysely";
import type { Confirmation, ConfirmationState, ConfirmationStore } from "../../../core/confirmations/ports-confirmation.ts";
import type { ConfirmationMethod } from "../../../core/confirmations/confirmation-policy.ts";
import type { OperationType } from "../../../core/confirmations/confirmation-operation.ts";
import type { ConfirmationsTable, Database } from "../schema.ts";
import { inTransaction } from "../in-transaction.ts";

/** Thrown inside the transaction to roll back an issue whose code was used meanwhile. */
class CodeUsedMeanwhile extends Error {}

function toConfirmation(row: Selectable<ConfirmationsTable>): Confirmation {
  return {
    id: row.id,
    customerId: row.customer_id,
    type: row.type as OperationType,
    operation: row.operation,
    opSha256: row.op_sha256,
    nonce: row.nonce,
    required: row.required.split(",") as ConfirmationMethod[],
    state: row.state as ConfirmationState,
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
    issuedAt: row.issued_at === null ? null : Number(row.issued_at),
    stepUpId: row.step_up_id,
  };
}

/** Operation-bound confirmations (migration 0014) on SQLite or PostgreSQL. */
export function createConfirmationStore(db: Kysely<Database>): ConfirmationStore {
  return {
    async create(confirmation: Confirmation): Promise<void> {
      await db
        .insertInto("confirmations")
        .values({
          id: confirmation.id,
          customer_id: confirmation.customerId,
          type: confirmation.type,
          operation: confirmation.operation,
          op_sha256: confirmation.opSha256,
          nonce: confirmation.nonce,
          required: confirmation.required.join(","),
          state: confirmation.state,
          created_at: confirmation.createdAt,
          expires_at: confirmation.expiresAt,
          issued_at: confirmation.issuedAt,
          step_up_id: confirmation.stepUpId,
        })
        .execute();
    },

    async findById(id: string): Promise<Confirmation | null> {
      const row = await db.selectFrom("confirmations").selectAll().where("id", "=", id).executeTakeFirst();
      return row === undefined ? null : toConfirmation(row);
    },

    async issue(id: string, now: number): Promise<boolean> {
      try {
        return await inTransaction(db, async (trx) => {
          // One UPDATE decides: of two requests racing, only one finds the row pending.
          const row = await trx
            .updateTable("confirmations")
            .set({ state: "issued", issued_at: now })
            .where("id", "=", id)
            .where("state", "=", "pending")
            .where("expires_at", ">", now)
            .returning("step_up_id")
            .executeTakeFirst();
          if (row === undefined) {
            return false;
          }
          if (row.step_up_id !== null) {
            const used = await trx.updateTable("step_up_codes").set({ status: "used" }).where("id", "=", row.step_up_id).where("status", "=", "pending").executeTakeFirst();
            if (Number(used.numUpdatedRows) !== 1) {
              throw new CodeUsedMeanwhile();
            }
          }
          return true;
        });
      } catch (error) {
        if (error instanceof CodeUsedMeanwhile) {
          return false;
        }
        throw error;
      }
    },
  };
}
