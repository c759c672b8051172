import type { Kysely, Selectable } from "kysely";
import type { TradingPinRecord, TradingPinStore } from "../../../core/trading-pin/ports-trading-pin.ts";
import type { Database, TradingPinsTable } from "../schema.ts";

function toRecord(row: Selectable<TradingPinsTable>): TradingPinRecord {
  return { customerId: row.customer_id, pinHash: row.pin_hash, failedCount: row.failed_count, lockedAt: row.locked_at, setAt: row.set_at };
}

/** Trading PINs (migration 0013) on SQLite or PostgreSQL; every change is one statement. */
export function createTradingPinStore(db: Kysely<Database>): TradingPinStore {
  return {
    async find(customerId: string): Promise<TradingPinRecord | null> {
      const row = await db.selectFrom("trading_pins").selectAll().where("customer_id", "=", customerId).executeTakeFirst();
      return row === undefined ? null : toRecord(row);
    },

    async set(customerId: string, pinHash: string, setAt: number): Promise<void> {
      await db
        .insertInto("trading_pins")
        .values({ customer_id: customerId, pin_hash: pinHash, failed_count: 0, locked_at: null, set_at: setAt })
        .onConflict((oc) => oc.column("customer_id").doUpdateSet({ pin_hash: pinHash, failed_count: 0, locked_at: null, set_at: setAt }))
        .execute();
    },

    // As failure-count.ts does for logins: on PostgreSQL racing failures wait for the row lock and
    // re-check locked_at; on SQLite the statement holds the write lock. Exactly one failure locks.
    async recordFailure(customerId: string, threshold: number, now: number): Promise<{ failedCount: number; lockedNow: boolean; alreadyLocked: boolean }> {
      const row = await db
        .updateTable("trading_pins")
        .set((eb) => ({
          failed_count: eb("failed_count", "+", 1),
          locked_at: eb.case().when("failed_count", ">=", threshold - 1).then(now).else(null).end(),
        }))
        .where("customer_id", "=", customerId)
        .where("locked_at", "is", null)
        .returning(["failed_count", "locked_at"])
        .executeTakeFirst();
      if (row !== undefined) {
        return { failedCount: row.failed_count, lockedNow: row.locked_at !== null, alreadyLocked: false };
      }
      const locked = await db.selectFrom("trading_pins").select("failed_count").where("customer_id", "=", customerId).executeTakeFirst();
      return { failedCount: locked?.failed_count ?? 0, lockedNow: false, alreadyLocked: true };
    },

    async resetFailures(customerId: string): Promise<boolean> {
      const result = await db.updateTable("trading_pins").set({ failed_count: 0 }).where("customer_id", "=", customerId).where("locked_at", "is", null).executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async unlock(customerId: string): Promise<boolean> {
      const result = await db.updateTable("trading_pins").set({ failed_count: 0, locked_at: null }).where("customer_id", "=", customerId).where("locked_at", "is not", null).executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
  };
}
