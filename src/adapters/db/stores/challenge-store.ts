import type { Insertable, Kysely, Selectable, Transaction } from "kysely";
import type { ChallengeStatus, ChallengeStore, LoginChallenge, LoginRecord, Session } from "../../../core/kernel/ports.ts";
import type { Database, LoginChallengesTable } from "../schema.ts";
import { insertLoginRecord, insertSession } from "./session-store.ts";
import { inTransaction } from "../in-transaction.ts";
import { recordWrongCodeIn } from "../wrong-code-count.ts";
import { prepareQuery } from "../prepared-query.ts";

function toChallenge(row: Selectable<LoginChallengesTable>): LoginChallenge {
  return {
    id: row.id,
    customerId: row.customer_id,
    codeHmac: row.code_hmac,
    preauthHash: row.preauth_hash,
    status: row.status as ChallengeStatus,
    failedAttempts: row.failed_attempts,
    sentAt: row.sent_at,
    expiresAt: row.expires_at,
    ip: row.ip,
    userAgent: row.user_agent,
  };
}

/** A challenge as its table row. */
export function challengeRow(challenge: LoginChallenge): Required<Insertable<LoginChallengesTable>> {
  return {
    id: challenge.id,
    customer_id: challenge.customerId,
    code_hmac: challenge.codeHmac,
    preauth_hash: challenge.preauthHash,
    status: challenge.status,
    failed_attempts: challenge.failedAttempts,
    sent_at: challenge.sentAt,
    expires_at: challenge.expiresAt,
    ip: challenge.ip,
    user_agent: challenge.userAgent,
  };
}

/**
 * Takes the customer's row lock (PostgreSQL) or the database's write lock (SQLite) for the
 * rest of the transaction, the same lock a counted failure takes, and says whether the
 * account is open: not frozen, and not locked (unless `evenIfLocked`). A lock that commits
 * first is seen, one that comes later waits.
 */
export async function holdOpenCustomer(trx: Transaction<Database>, customerId: string, options?: { evenIfLocked?: boolean }): Promise<boolean> {
  const hold = options?.evenIfLocked === true ? holdUnfrozen : holdUnfrozenUnlocked;
  const result = await hold(trx, { customerId });
  return Number(result.numAffectedRows ?? 0n) === 1;
}

// The login path's statements, built once (issue 23; prepared-query.ts).
const holdUnfrozen = prepareQuery<{ customerId: string }, unknown>((db, bind) =>
  db.updateTable("customers").set((eb) => ({ failed_count: eb.ref("failed_count") })).where("id", "=", bind("customerId")).where("frozen_at", "is", null),
);
const holdUnfrozenUnlocked = prepareQuery<{ customerId: string }, unknown>((db, bind) =>
  db
    .updateTable("customers")
    .set((eb) => ({ failed_count: eb.ref("failed_count") }))
    .where("id", "=", bind("customerId"))
    .where("frozen_at", "is", null)
    .where("locked_at", "is", null),
);
const latestOfCustomer = prepareQuery<{ customerId: string }, Selectable<LoginChallengesTable>>((db, bind) =>
  db.selectFrom("login_challenges").selectAll().where("customer_id", "=", bind("customerId")).orderBy("sent_at", "desc").limit(1),
);
const supersedePendingOf = prepareQuery<{ customerId: string }, unknown>((db, bind) =>
  db.updateTable("login_challenges").set({ status: "superseded" }).where("customer_id", "=", bind("customerId")).where("status", "=", "pending"),
);
const insertChallenge = prepareQuery<Required<Insertable<LoginChallengesTable>>, unknown>((db, bind) =>
  db.insertInto("login_challenges").values({
    id: bind("id"), customer_id: bind("customer_id"), code_hmac: bind("code_hmac"), preauth_hash: bind("preauth_hash"), status: bind("status"),
    failed_attempts: bind("failed_attempts"), sent_at: bind("sent_at"), expires_at: bind("expires_at"), ip: bind("ip"), user_agent: bind("user_agent"),
  }),
);
const byPreauthHash = prepareQuery<{ preauthHash: string }, Selectable<LoginChallengesTable>>((db, bind) =>
  db.selectFrom("login_challenges").selectAll().where("preauth_hash", "=", bind("preauthHash")),
);
const usePending = prepareQuery<{ id: string }, unknown>((db, bind) =>
  db.updateTable("login_challenges").set({ status: "used" }).where("id", "=", bind("id")).where("status", "=", "pending"),
);

export function createChallengeStore(db: Kysely<Database>): ChallengeStore {
  return {
    async latestForCustomer(customerId: string): Promise<LoginChallenge | null> {
      const row = (await latestOfCustomer(db, { customerId })).rows[0];
      return row === undefined ? null : toChallenge(row);
    },

    async previousForCustomer(challenge: Pick<LoginChallenge, "id" | "customerId" | "sentAt">, limit: number): Promise<LoginChallenge[]> {
      const rows = await db
        .selectFrom("login_challenges")
        .selectAll()
        .where("customer_id", "=", challenge.customerId)
        .where("id", "!=", challenge.id)
        .where("sent_at", "<=", challenge.sentAt)
        .orderBy("sent_at", "desc")
        .limit(limit)
        .execute();
      return rows.map(toChallenge);
    },

    async start(challenge: LoginChallenge): Promise<boolean> {
      return inTransaction(db, async (trx) => {
        if (!(await holdOpenCustomer(trx, challenge.customerId))) {
          return false;
        }
        await supersedePendingOf(trx, { customerId: challenge.customerId });
        await insertChallenge(trx, challengeRow(challenge));
        return true;
      });
    },

    async findByPreauthHash(preauthHash: string): Promise<LoginChallenge | null> {
      const row = (await byPreauthHash(db, { preauthHash })).rows[0];
      return row === undefined ? null : toChallenge(row);
    },

    recordWrongCode(id: string, maxAttempts: number) {
      return recordWrongCodeIn(db, "login_challenges", id, maxAttempts);
    },

    async markExpired(id: string): Promise<void> {
      await db.updateTable("login_challenges").set({ status: "expired" }).where("id", "=", id).where("status", "=", "pending").execute();
    },

    async supersedePending(customerId: string): Promise<number> {
      const result = await db.updateTable("login_challenges").set({ status: "superseded" }).where("customer_id", "=", customerId).where("status", "=", "pending").executeTakeFirst();
      return Number(result.numUpdatedRows);
    },

    async complete(id: string, session: Session, login: LoginRecord): Promise<"completed" | "not_pending" | "locked"> {
      return inTransaction(db, async (trx) => {
        if (!(await holdOpenCustomer(trx, session.customerId))) {
          return "locked";
        }
        const result = await usePending(trx, { id });
        if (Number(result.numAffectedRows ?? 0n) !== 1) {
          return "not_pending";
        }
        await insertSession(trx, session);
        await insertLoginRecord(trx, login);
        return "completed";
      });
    },
  };
}
