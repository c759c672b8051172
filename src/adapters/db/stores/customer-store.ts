import type { Insertable, Kysely, Selectable } from "kysely";
import type { Customer, CustomerStore, NewCustomerRow } from "../../../core/kernel/ports.ts";
import type { CustomersTable, Database } from "../schema.ts";
import { InvalidInputError } from "../../../core/kernel/errors.ts";
import { inTransaction } from "../in-transaction.ts";
import { prepareQuery } from "../prepared-query.ts";
import { isUniqueViolation } from "../unique-violation.ts";
import { recordFailureIn } from "../failure-count.ts";
import { foldName } from "../../../core/console/name-fold.ts";

// Login IDs per `in (…)` list: far below SQLite's 32,766 and PostgreSQL's 65,535 bound parameters.
const LOOKUP_CHUNK = 1000;

/** A customers row as the core sees it (also read by the console's directory). */
export function toCustomer(row: Selectable<CustomersTable>): Customer {
  return {
    id: row.id,
    loginId: row.login_id,
    email: row.email,
    name: row.name,
    passwordHash: row.password_hash,
    mfaEnabled: row.mfa_enabled === 1,
    createdAt: row.created_at,
    failedCount: row.failed_count,
    lockedAt: row.locked_at,
    birthDate: row.birth_date,
    frozenAt: row.frozen_at,
    notifyEveryLogin: row.notify_every_login === 1,
    emailHoldUntil: row.email_hold_until === null ? null : Number(row.email_hold_until),
  };
}

function toRow(customer: NewCustomerRow): Insertable<CustomersTable> {
  return {
    id: customer.id,
    login_id: customer.loginId,
    email: customer.email,
    name: customer.name,
    password_hash: customer.passwordHash,
    mfa_enabled: customer.mfaEnabled ? 1 : 0,
    created_at: customer.createdAt,
    birth_date: customer.birthDate ?? null,
    name_fold: foldName(customer.name),
  };
}

// Every login step reads the customer: built once (issue 23; prepared-query.ts).
const byLoginId = prepareQuery<{ loginId: string }, Selectable<CustomersTable>>((db, bind) => db.selectFrom("customers").selectAll().where("login_id", "=", bind("loginId")));
const byId = prepareQuery<{ id: string }, Selectable<CustomersTable>>((db, bind) => db.selectFrom("customers").selectAll().where("id", "=", bind("id")));
const resetFailureCount = prepareQuery<{ id: string }, unknown>((db, bind) =>
  db.updateTable("customers").set({ failed_count: 0 }).where("id", "=", bind("id")).where("failed_count", "!=", 0),
);

export function createCustomerStore(db: Kysely<Database>): CustomerStore {
  return {
    async findByLoginId(loginId: string): Promise<Customer | null> {
      const row = (await byLoginId(db, { loginId })).rows[0];
      return row === undefined ? null : toCustomer(row);
    },

    async findByEmail(email: string, limit: number): Promise<Customer[]> {
      const rows = await db
        .selectFrom("customers")
        .selectAll()
        .where((eb) => eb(eb.fn("lower", ["email"]), "=", email.toLowerCase()))
        .orderBy("created_at")
        .limit(limit)
        .execute();
      return rows.map(toCustomer);
    },

    async findById(id: string): Promise<Customer | null> {
      const row = (await byId(db, { id })).rows[0];
      return row === undefined ? null : toCustomer(row);
    },

    async create(customer): Promise<Customer> {
      try {
        await db.insertInto("customers").values(toRow(customer)).execute();
      } catch (error) {
        if (isUniqueViolation(error)) {
          throw new InvalidInputError(`login ID already exists: ${customer.loginId}`);
        }
        throw error;
      }
      return { ...customer, birthDate: customer.birthDate ?? null, failedCount: 0, lockedAt: null, frozenAt: null, notifyEveryLogin: true, emailHoldUntil: null };
    },

    async createMany(customers, options): Promise<void> {
      try {
        await inTransaction(db, async (trx) => {
          let inserted = 0;
          for (let start = 0; start < customers.length; start += options.batchSize) {
            const batch = customers.slice(start, start + options.batchSize);
            await trx.insertInto("customers").values(batch.map(toRow)).execute();
            inserted += batch.length;
            options.onProgress?.(inserted);
          }
        });
      } catch (error) {
        if (isUniqueViolation(error)) {
          // Checked before the import started: someone added one of these IDs meanwhile.
          throw new InvalidInputError("a login ID in the import was taken while it ran; nothing was imported");
        }
        throw error;
      }
    },

    async existingLoginIds(loginIds): Promise<string[]> {
      const found: string[] = [];
      for (let start = 0; start < loginIds.length; start += LOOKUP_CHUNK) {
        const chunk = loginIds.slice(start, start + LOOKUP_CHUNK);
        const rows = await db.selectFrom("customers").select("login_id").where("login_id", "in", chunk).execute();
        found.push(...rows.map((row) => row.login_id));
      }
      return [...new Set(found)];
    },

    async updatePasswordHash(id: string, passwordHash: string): Promise<void> {
      await db.updateTable("customers").set({ password_hash: passwordHash }).where("id", "=", id).execute();
    },

    recordFailure(id: string, threshold: number, now: number) {
      return recordFailureIn(db, "customers", id, threshold, now);
    },

    async setNotifyEveryLogin(id: string, on: boolean): Promise<void> {
      await db.updateTable("customers").set({ notify_every_login: on ? 1 : 0 }).where("id", "=", id).execute();
    },

    async freeze(id: string, frozenAt: number): Promise<boolean> {
      const result = await db.updateTable("customers").set({ frozen_at: frozenAt }).where("id", "=", id).where("frozen_at", "is", null).executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async resetFailures(id: string): Promise<void> {
      await resetFailureCount(db, { id });
    },

    async unlock(id: string): Promise<boolean> {
      const result = await db
        .updateTable("customers")
        .set({ failed_count: 0, locked_at: null })
        .where("id", "=", id)
        .where("locked_at", "is not", null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async unfreeze(id: string): Promise<boolean> {
      const result = await db.updateTable("customers").set({ frozen_at: null }).where("id", "=", id).where("frozen_at", "is not", null).executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async setMfaEnabled(id: string, on: boolean): Promise<boolean> {
      const value = on ? 1 : 0;
      const result = await db.updateTable("customers").set({ mfa_enabled: value }).where("id", "=", id).where("mfa_enabled", "!=", value).executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async changeEmail(id: string, from: string, to: string): Promise<boolean> {
      const result = await db.updateTable("customers").set({ email: to }).where("id", "=", id).where("email", "=", from).executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async holdEmailRecovery(id: string, until: number): Promise<void> {
      await db.updateTable("customers").set({ email_hold_until: until }).where("id", "=", id).execute();
    },

    async count(): Promise<number> {
      const row = await db.selectFrom("customers").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}
