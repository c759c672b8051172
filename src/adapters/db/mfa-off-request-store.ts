import type { Kysely, Selectable } from "kysely";
import type { MfaOffRequest, MfaOffRequestListing, MfaOffRequestState, MfaOffRequestStore, NewMfaOffRequest } from "../../core/ports.ts";
import type { Database, MfaOffRequestsTable } from "./schema.ts";
import { inTransaction } from "./in-transaction.ts";

function toRequest(row: Selectable<MfaOffRequestsTable>): MfaOffRequest {
  return {
    id: row.id,
    customerId: row.customer_id,
    requestedBy: row.requested_by,
    reason: row.reason,
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
    state: row.state as MfaOffRequestState,
    decidedBy: row.decided_by,
    decidedAt: row.decided_at === null ? null : Number(row.decided_at),
    decisionReason: row.decision_reason,
  };
}

/** The requests joined with their customer and requester, as the console lists them. */
// The return type is left to inference: kysely's builder type, spelt out, would be longer than the query.
function listingQuery(db: Kysely<Database>) {
  return db
    .selectFrom("mfa_off_requests as r")
    .innerJoin("customers as c", "c.id", "r.customer_id")
    .innerJoin("operators as o", "o.id", "r.requested_by")
    .selectAll("r")
    .select(["c.login_id as login_id", "c.name as customer_name", "o.login_id as requested_by_login_id"]);
}

function toListing(row: Selectable<MfaOffRequestsTable> & { login_id: string; customer_name: string; requested_by_login_id: string }): MfaOffRequestListing {
  return { ...toRequest(row), loginId: row.login_id, customerName: row.customer_name, requestedByLoginId: row.requested_by_login_id };
}

/** The four-eyes MFA-off requests (migration 0011) on SQLite or PostgreSQL. */
export function createMfaOffRequestStore(db: Kysely<Database>): MfaOffRequestStore {
  return {
    async create(request: NewMfaOffRequest): Promise<boolean> {
      return inTransaction(db, async (trx) => {
        // The customer's row lock (PostgreSQL) or the write lock (SQLite): two requests for one
        // customer take turns, so the second sees the first's row below.
        await trx
          .updateTable("customers")
          .set((eb) => ({ mfa_enabled: eb.ref("mfa_enabled") }))
          .where("id", "=", request.customerId)
          .execute();
        await trx
          .updateTable("mfa_off_requests")
          .set({ state: "expired" })
          .where("customer_id", "=", request.customerId)
          .where("state", "=", "pending")
          .where("expires_at", "<=", request.createdAt)
          .execute();
        const pending = await trx.selectFrom("mfa_off_requests").select("id").where("customer_id", "=", request.customerId).where("state", "=", "pending").executeTakeFirst();
        if (pending !== undefined) {
          return false;
        }
        await trx
          .insertInto("mfa_off_requests")
          .values({
            id: request.id,
            customer_id: request.customerId,
            requested_by: request.requestedBy,
            reason: request.reason,
            created_at: request.createdAt,
            expires_at: request.expiresAt,
            state: "pending",
          })
          .execute();
        return true;
      });
    },

    async findById(id: string): Promise<MfaOffRequest | null> {
      const row = await db.selectFrom("mfa_off_requests").selectAll().where("id", "=", id).executeTakeFirst();
      return row === undefined ? null : toRequest(row);
    },

    async decide(id, decision): Promise<boolean> {
      // One statement decides: of two supervisors approving at once, only one updates the row.
      const result = await db
        .updateTable("mfa_off_requests")
        .set({ state: decision.state, decided_by: decision.by, decided_at: decision.at, decision_reason: decision.reason })
        .where("id", "=", id)
        .where("state", "=", "pending")
        .where("expires_at", ">", decision.at)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async list(query): Promise<MfaOffRequestListing[]> {
      let select = listingQuery(db);
      if (query.state === "pending") {
        select = select.where("r.state", "=", "pending").where("r.expires_at", ">", query.now);
      } else if (query.state === "expired") {
        select = select.where((eb) => eb.or([eb("r.state", "=", "expired"), eb.and([eb("r.state", "=", "pending"), eb("r.expires_at", "<=", query.now)])]));
      } else {
        select = select.where("r.state", "=", query.state);
      }
      const rows = await select.orderBy("r.created_at", "desc").orderBy("r.id", "desc").limit(query.limit).execute();
      return rows.map((row) => ({
        ...toListing(row),
        // A pending row past its expiry is listed as what it is.
        state: query.state === "expired" ? "expired" : (row.state as MfaOffRequestState),
      }));
    },

    async findPendingForCustomer(customerId: string, now: number): Promise<MfaOffRequestListing | null> {
      // `create` keeps at most one pending request per customer; newest first should that ever slip.
      const row = await listingQuery(db)
        .where("r.customer_id", "=", customerId)
        .where("r.state", "=", "pending")
        .where("r.expires_at", ">", now)
        .orderBy("r.created_at", "desc")
        .orderBy("r.id", "desc")
        .executeTakeFirst();
      return row === undefined ? null : toListing(row);
    },
  };
}
