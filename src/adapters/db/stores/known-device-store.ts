import type { Kysely } from "kysely";
import type { KnownDeviceStore } from "../../../core/login/ports-account.ts";
import type { Database } from "../schema.ts";
import { prepareQuery } from "../prepared-query.ts";

// Every completed login remembers its device: built once (issue 23; prepared-query.ts).
const insertIfAbsent = prepareQuery<{ customerId: string; deviceHash: string; now: number }, { device_hash: string }>((db, bind) =>
  db
    .insertInto("known_devices")
    .values({ customer_id: bind("customerId"), device_hash: bind("deviceHash"), first_seen_at: bind("now"), last_seen_at: bind("now") })
    .onConflict((oc) => oc.columns(["customer_id", "device_hash"]).doNothing())
    .returning(["device_hash"]),
);
const touchDevice = prepareQuery<{ customerId: string; deviceHash: string; now: number }, unknown>((db, bind) =>
  db.updateTable("known_devices").set({ last_seen_at: bind("now") }).where("customer_id", "=", bind("customerId")).where("device_hash", "=", bind("deviceHash")),
);

export function createKnownDeviceStore(db: Kysely<Database>): KnownDeviceStore {
  return {
    async remember(customerId: string, deviceHash: string, now: number): Promise<{ seenBefore: boolean }> {
      // Insert-if-absent first: of two logins from one new device at once, exactly one inserts (and is new).
      const inserted = await insertIfAbsent(db, { customerId, deviceHash, now });
      if (inserted.rows.length > 0) {
        return { seenBefore: false };
      }
      await touchDevice(db, { customerId, deviceHash, now });
      return { seenBefore: true };
    },
  };
}
