import type { Kysely, Selectable } from "kysely";
import type { NewOperatorRow, Operator, OperatorRole, OperatorStore } from "../../../core/console/operators/ports-operator.ts";
import type { BodySealer, KeyringSealer } from "../../crypto/body-sealer.ts";
import type { Database, OperatorsTable } from "../schema.ts";
import { normalizeLoginId } from "../../../core/kernel/credentials.ts";
import { InvalidInputError } from "../../../core/kernel/errors.ts";
import { isUniqueViolation } from "../unique-violation.ts";
import { recordFailureIn } from "../failure-count.ts";

/**
 * Operators on SQLite or PostgreSQL. The TOTP secret is sealed with `sealer` (its own
 * key, "operator-totp"): a copy of the database alone does not let anyone make codes.
 */
export function createOperatorStore(db: Kysely<Database>, sealer: BodySealer): OperatorStore {
  function toOperator(row: Selectable<OperatorsTable>): Operator {
    return {
      id: row.id,
      loginId: row.login_id,
      name: row.name,
      role: row.role as OperatorRole,
      passwordHash: row.password_hash,
      totpSecret: sealer.open(row.totp_secret),
      totpLastStep: row.totp_last_step,
      failedCount: row.failed_count,
      lockedAt: row.locked_at,
      disabledAt: row.disabled_at,
      createdAt: row.created_at,
    };
  }

  return {
    async create(operator: NewOperatorRow): Promise<Operator> {
      const loginId = normalizeLoginId(operator.loginId);
      try {
        await db
          .insertInto("operators")
          .values({
            id: operator.id,
            login_id: loginId,
            name: operator.name,
            role: operator.role,
            password_hash: operator.passwordHash,
            totp_secret: sealer.seal(operator.totpSecret),
            totp_last_step: null,
            locked_at: null,
            disabled_at: null,
            created_at: operator.createdAt,
          })
          .execute();
      } catch (error) {
        if (isUniqueViolation(error)) {
          throw new InvalidInputError(`operator login ID already exists: ${loginId}`);
        }
        throw error;
      }
      return { ...operator, loginId, totpLastStep: null, failedCount: 0, lockedAt: null, disabledAt: null };
    },

    async findByLoginId(loginId: string): Promise<Operator | null> {
      const row = await db.selectFrom("operators").selectAll().where("login_id", "=", normalizeLoginId(loginId)).executeTakeFirst();
      return row === undefined ? null : toOperator(row);
    },

    async findById(id: string): Promise<Operator | null> {
      const row = await db.selectFrom("operators").selectAll().where("id", "=", id).executeTakeFirst();
      return row === undefined ? null : toOperator(row);
    },

    async recordTotpStep(id: string, step: number): Promise<boolean> {
      // One conditional statement: racing requests with the same code both match the row, but
      // PostgreSQL re-checks the condition after the first commits and SQLite runs them one at a
      // time, so exactly one sees a newer step.
      const result = await db
        .updateTable("operators")
        .set({ totp_last_step: step })
        .where("id", "=", id)
        .where((eb) => eb.or([eb("totp_last_step", "is", null), eb("totp_last_step", "<", step)]))
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async disable(id: string, disabledAt: number): Promise<boolean> {
      const result = await db.updateTable("operators").set({ disabled_at: disabledAt }).where("id", "=", id).where("disabled_at", "is", null).executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    recordFailure(id: string, threshold: number, now: number) {
      return recordFailureIn(db, "operators", id, threshold, now);
    },

    async resetFailures(id: string): Promise<void> {
      await db.updateTable("operators").set({ failed_count: 0 }).where("id", "=", id).where("locked_at", "is", null).execute();
    },

    async unlock(id: string): Promise<boolean> {
      const result = await db.updateTable("operators").set({ failed_count: 0, locked_at: null }).where("id", "=", id).where("locked_at", "is not", null).executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
  };
}

/**
 * Operators' TOTP secrets live for years: after a rotation (SERVER_SECRETS=new,old…) those sealed
 * with an older key are sealed again with the current one at start, so the old secret can leave
 * the keyring without locking anyone out of the console. Compare-and-set: a row changed meanwhile
 * waits for the next start. `unreadable`: sealed with a key no longer configured (re-enrol them).
 */
export async function resealOperatorTotpSecrets(db: Kysely<Database>, sealer: KeyringSealer): Promise<{ resealed: number; unreadable: number }> {
  const rows = await db.selectFrom("operators").select(["id", "totp_secret"]).execute();
  let resealed = 0;
  let unreadable = 0;
  for (const row of rows) {
    if (sealer.sealedWithCurrentKey(row.totp_secret)) {
      continue;
    }
    let plain: string;
    try {
      plain = sealer.open(row.totp_secret);
    } catch {
      unreadable += 1;
      continue;
    }
    const result = await db.updateTable("operators").set({ totp_secret: sealer.seal(plain) }).where("id", "=", row.id).where("totp_secret", "=", row.totp_secret).executeTakeFirst();
    resealed += Number(result.numUpdatedRows);
  }
  return { resealed, unreadable };
}
