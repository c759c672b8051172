import type { Kysely, Selectable } from "kysely";
import type { Passkey, PasskeyDeviceType, PasskeyRemoval, PasskeyStore } from "../../../core/passkeys/ports-passkey.ts";
import type { Database, PasskeysTable } from "../schema.ts";
import { inTransaction } from "../in-transaction.ts";
import { isUniqueViolation } from "../unique-violation.ts";
import { prepareQuery } from "../prepared-query.ts";

function toPasskey(row: Selectable<PasskeysTable>): Passkey {
  return {
    id: row.id,
    customerId: row.customer_id,
    credentialId: row.credential_id,
    publicKey: row.public_key,
    counter: Number(row.counter),
    transports: row.transports === "" ? [] : row.transports.split(","),
    deviceType: row.device_type as PasskeyDeviceType,
    backedUp: row.backed_up === 1,
    name: row.name,
    createdAt: Number(row.created_at),
    lastUsedAt: row.last_used_at === null ? null : Number(row.last_used_at),
  };
}

/** The customers' passkeys and the パスキー必須 flag (migration 0012) on SQLite or PostgreSQL. */
// Read at every password step (issue 23; prepared-query.ts).
const passkeyRequiredOf = prepareQuery<{ customerId: string }, { passkey_required: number }>((db, bind) =>
  db.selectFrom("customers").select("passkey_required").where("id", "=", bind("customerId")),
);

export function createPasskeyStore(db: Kysely<Database>): PasskeyStore {
  return {
    async add(passkey: Passkey): Promise<boolean> {
      try {
        await db
          .insertInto("passkeys")
          .values({
            id: passkey.id,
            customer_id: passkey.customerId,
            credential_id: passkey.credentialId,
            public_key: passkey.publicKey,
            counter: passkey.counter,
            transports: passkey.transports.join(","),
            device_type: passkey.deviceType,
            backed_up: passkey.backedUp ? 1 : 0,
            name: passkey.name,
            created_at: passkey.createdAt,
            last_used_at: passkey.lastUsedAt,
          })
          .execute();
        return true;
      } catch (error) {
        if (isUniqueViolation(error)) {
          return false;
        }
        throw error;
      }
    },

    async findByCredentialId(credentialId: string): Promise<Passkey | null> {
      const row = await db.selectFrom("passkeys").selectAll().where("credential_id", "=", credentialId).executeTakeFirst();
      return row === undefined ? null : toPasskey(row);
    },

    async listForCustomer(customerId: string): Promise<Passkey[]> {
      const rows = await db.selectFrom("passkeys").selectAll().where("customer_id", "=", customerId).orderBy("created_at").orderBy("id").execute();
      return rows.map(toPasskey);
    },

    async rename(customerId: string, id: string, name: string): Promise<boolean> {
      const result = await db.updateTable("passkeys").set({ name }).where("id", "=", id).where("customer_id", "=", customerId).executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    removeUnlessLastRequired(customerId: string, id: string): Promise<PasskeyRemoval> {
      return inTransaction(db, async (trx) => {
        // The customer's row locked first, by an UPDATE that changes nothing: on PostgreSQL the
        // row lock SELECT … FOR UPDATE would take, on SQLite the database's write lock (both
        // dialects, one statement). A second removal (or パスキー必須 turned on) for the same
        // customer waits here until this transaction ends; under READ COMMITTED its next
        // statement then sees what this one deleted. Without it, two removals each counted
        // "two left" and each deleted one (issue 17 item 3).
        const locked = await trx
          .updateTable("customers")
          .set((eb) => ({ passkey_required: eb.ref("passkey_required") }))
          .where("id", "=", customerId)
          .executeTakeFirst();
        if (Number(locked.numUpdatedRows) === 0) {
          return "not_found";
        }
        // The rule and the delete in one statement: not the last passkey while required.
        const deleted = await trx
          .deleteFrom("passkeys")
          .where("id", "=", id)
          .where("customer_id", "=", customerId)
          .where((eb) =>
            eb.or([
              eb(eb.selectFrom("customers").select("passkey_required").where("id", "=", customerId), "!=", 1),
              eb(eb.selectFrom("passkeys as others").select((inner) => inner.fn.countAll().as("n")).where("others.customer_id", "=", customerId), ">", 1),
            ]),
          )
          .executeTakeFirst();
        if (Number(deleted.numDeletedRows) === 1) {
          return "removed";
        }
        const still = await trx.selectFrom("passkeys").select("id").where("id", "=", id).where("customer_id", "=", customerId).executeTakeFirst();
        return still === undefined ? "not_found" : "last_while_required";
      });
    },

    async recordUse(id, use): Promise<void> {
      // Never lowered: a counter seen going backwards stays at the highest value, so a cloned
      // authenticator keeps being noticed at each use.
      await db
        .updateTable("passkeys")
        .set((eb) => ({
          counter: eb.case().when("counter", "<", use.counter).then(use.counter).else(eb.ref("counter")).end(),
          backed_up: use.backedUp ? 1 : 0,
          last_used_at: use.at,
        }))
        .where("id", "=", id)
        .execute();
    },

    async setRequired(customerId: string, on: boolean): Promise<boolean> {
      const value = on ? 1 : 0;
      const result = await db.updateTable("customers").set({ passkey_required: value }).where("id", "=", customerId).where("passkey_required", "!=", value).executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async isRequired(customerId: string): Promise<boolean> {
      const row = (await passkeyRequiredOf(db, { customerId })).rows[0];
      return row?.passkey_required === 1;
    },
  };
}
