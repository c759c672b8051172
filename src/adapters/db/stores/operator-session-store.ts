import type { Kysely } from "kysely";
import type { OperatorSession, OperatorSessionStore } from "../../../core/console/operators/ports-operator.ts";
import type { Database } from "../schema.ts";

/** Operator console sessions on SQLite or PostgreSQL (migration 0009). */
export function createOperatorSessionStore(db: Kysely<Database>): OperatorSessionStore {
  return {
    async create(session: OperatorSession): Promise<void> {
      await db
        .insertInto("operator_sessions")
        .values({ id_hash: session.idHash, operator_id: session.operatorId, created_at: session.createdAt, last_seen_at: session.lastSeenAt, ended_at: null })
        .execute();
    },

    async find(idHash: string): Promise<OperatorSession | null> {
      const row = await db.selectFrom("operator_sessions").selectAll().where("id_hash", "=", idHash).where("ended_at", "is", null).executeTakeFirst();
      if (row === undefined) {
        return null;
      }
      return { idHash: row.id_hash, operatorId: row.operator_id, createdAt: row.created_at, lastSeenAt: row.last_seen_at };
    },

    async touch(idHash: string, lastSeenAt: number): Promise<void> {
      await db.updateTable("operator_sessions").set({ last_seen_at: lastSeenAt }).where("id_hash", "=", idHash).where("ended_at", "is", null).execute();
    },

    async end(idHash: string, endedAt: number): Promise<void> {
      await db.updateTable("operator_sessions").set({ ended_at: endedAt }).where("id_hash", "=", idHash).where("ended_at", "is", null).execute();
    },

    async endAllForOperator(operatorId: string, endedAt: number): Promise<number> {
      const result = await db.updateTable("operator_sessions").set({ ended_at: endedAt }).where("operator_id", "=", operatorId).where("ended_at", "is", null).executeTakeFirst();
      return Number(result.numUpdatedRows);
    },
  };
}
