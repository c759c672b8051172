import type { Kysely } from "kysely";
import type { KnownDeviceStore } from "../../../core/login/ports-account.ts";
import type { Database } from "../schema.ts";

export function createKnownDeviceStore(db: Kysely<Database>): KnownDeviceStore {
  return {
    async remember(customerId: string, deviceHash: string, now: number): Promise<{ seenBefore: boolean }> {
      // Insert-if-absent first: of two logins from one new device at once, exactly one inserts (and is new).
      const inserted = await db
        .insertInto("known_devices")
        .values({ customer_id: customerId, device_hash: deviceHash, first_seen_at: now, last_seen_at: now })
        .onConflict((oc) => oc.columns(["customer_id", "device_hash"]).doNothing())
        .returning(["device_hash"])
        .executeTakeFirst();
      if (inserted !== undefined) {
        return { seenBefore: false };
      }
      await db.updateTable("known_devices").set({ last_seen_at: now }).where("customer_id", "=", customerId).where("device_hash", "=", deviceHash).execute();
      return { seenBefore: true };
    },
  };
}
