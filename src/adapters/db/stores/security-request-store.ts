import type { Kysely, Selectable } from "kysely";
import type { NewSecurityRequest, SecurityRequest, SecurityRequestKind, SecurityRequestListing, SecurityRequestState, SecurityRequestStore } from "../../../core/console/security-requests/ports-security-requests.ts";
import type { Database, SecurityRequestsTable } from "../schema.ts";
import { inTransaction } from "../in-transaction.ts";

function numberOrNull(value: number | null): number | null {
  return value === null ? null : Number(value);
}

/** A row as the core sees it; a pending row past its expiry at `now` is reported "expired". */
function toRequest(row: Selectable<SecurityRequestsTable>, now: number): SecurityRequest {
  const expired = row.state === "pending" && Number(row.expires_at) <= now;
  return {
    id: row.id,
    kind: row.kind as SecurityRequestKind,
    customerId: row.customer_id,
    requestedBy: row.requested_by,
    reason: row.reason,
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
    state: expired ? "expired" : (row.state as SecurityRequestState),
    newEmail: row.new_email,
    decidedBy: row.decided_by,
    decidedAt: numberOrNull(row.decided_at),
    decisionReason: row.decision_reason,
    effectiveAt: numberOrNull(row.effective_at),
    cancelledBy: row.cancelled_by,
    cancelledAt: numberOrNull(row.cancelled_at),
    cancelReason: row.cancel_reason,
  };
}

/** The requests joined with their customer and requester, as the console lists them. */
// The return type is left to inference: kysely's builder type, spelt out, would be longer than the query.
function listingQuery(db: Kysely<Database>) {
  return db
    .selectFrom("security_requests as r")
    .innerJoin("customers as c", "c.id", "r.customer_id")
    .innerJoin("operators as o", "o.id", "r.requested_by")
    .selectAll("r")
    .select(["c.login_id as login_id", "c.name as customer_name", "o.login_id as requested_by_login_id"]);
}

function toListing(row: Selectable<SecurityRequestsTable> & { login_id: string; customer_name: string; requested_by_login_id: string }, now: number): SecurityRequestListing {
  return { ...toRequest(row, now), loginId: row.login_id, customerName: row.customer_name, requestedByLoginId: row.requested_by_login_id };
}

/** Security requests (migration 0017) on SQLite or PostgreSQL: every state change is one conditional UPDATE. */
export function createSecurityRequestStore(db: Kysely<Database>): SecurityRequestStore {
  /** pending and not expired at `decision.at` → `state`, in one conditional UPDATE: of two deciders racing, one wins. */
  async function decidePending(id: string, state: "approved" | "rejected", decision: { by: string; at: number; reason: string }, extra: { effective_at?: number }): Promise<boolean> {
    const result = await db
      .updateTable("security_requests")
      .set({ state, decided_by: decision.by, decided_at: decision.at, decision_reason: decision.reason, ...extra })
      .where("id", "=", id)
      .where("state", "=", "pending")
      .where("expires_at", ">", decision.at)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  return {
    async create(request: NewSecurityRequest): Promise<boolean> {
      return inTransaction(db, async (trx) => {
        // The customer's row lock (PostgreSQL) or the write lock (SQLite): two requests for one
        // customer take turns, so the second sees the first's row below.
        await trx
          .updateTable("customers")
          .set((eb) => ({ mfa_enabled: eb.ref("mfa_enabled") }))
          .where("id", "=", request.customerId)
          .execute();
        await trx
          .updateTable("security_requests")
          .set({ state: "expired" })
          .where("customer_id", "=", request.customerId)
          .where("state", "=", "pending")
          .where("expires_at", "<=", request.createdAt)
          .execute();
        const open = await trx
          .selectFrom("security_requests")
          .select("id")
          .where("customer_id", "=", request.customerId)
          .where("kind", "=", request.kind)
          .where("state", "in", ["pending", "approved"])
          .executeTakeFirst();
        if (open !== undefined) {
          return false;
        }
        await trx
          .insertInto("security_requests")
          .values({
            id: request.id,
            kind: request.kind,
            customer_id: request.customerId,
            requested_by: request.requestedBy,
            reason: request.reason,
            created_at: request.createdAt,
            expires_at: request.expiresAt,
            state: "pending",
            new_email: request.newEmail,
          })
          .execute();
        return true;
      });
    },

    async findById(id: string, now: number): Promise<SecurityRequest | null> {
      const row = await db.selectFrom("security_requests").selectAll().where("id", "=", id).executeTakeFirst();
      return row === undefined ? null : toRequest(row, now);
    },

    approve(id, decision): Promise<boolean> {
      return decidePending(id, "approved", decision, { effective_at: decision.effectiveAt });
    },

    reject(id, decision): Promise<boolean> {
      return decidePending(id, "rejected", decision, {});
    },

    async cancel(id, decision): Promise<boolean> {
      const result = await db
        .updateTable("security_requests")
        .set({ state: "cancelled", cancelled_by: decision.by, cancelled_at: decision.at, cancel_reason: decision.reason })
        .where("id", "=", id)
        .where((eb) => eb.or([eb("state", "=", "approved"), eb.and([eb("state", "=", "pending"), eb("expires_at", ">", decision.at)])]))
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async markEffective(id: string, now: number): Promise<boolean> {
      // One statement decides: of two instances sweeping at once, only one updates the row; the
      // other waits for its row lock (PostgreSQL) or the write lock (SQLite) and then finds it effective.
      const result = await db.updateTable("security_requests").set({ state: "effective" }).where("id", "=", id).where("state", "=", "approved").where("effective_at", "<=", now).executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async due(now: number, limit: number): Promise<SecurityRequest[]> {
      const rows = await db.selectFrom("security_requests").selectAll().where("state", "=", "approved").where("effective_at", "<=", now).orderBy("effective_at").orderBy("id").limit(limit).execute();
      return rows.map((row) => toRequest(row, now));
    },

    async list(query): Promise<SecurityRequestListing[]> {
      let select = listingQuery(db);
      if (query.state === "pending") {
        select = select.where("r.state", "=", "pending").where("r.expires_at", ">", query.now);
      } else if (query.state === "expired") {
        select = select.where((eb) => eb.or([eb("r.state", "=", "expired"), eb.and([eb("r.state", "=", "pending"), eb("r.expires_at", "<=", query.now)])]));
      } else {
        select = select.where("r.state", "=", query.state);
      }
      if (query.kind !== undefined) {
        select = select.where("r.kind", "=", query.kind);
      }
      const rows = await select.orderBy("r.created_at", "desc").orderBy("r.id", "desc").limit(query.limit).execute();
      return rows.map((row) => toListing(row, query.now));
    },

    async openForCustomer(customerId: string, now: number): Promise<SecurityRequestListing[]> {
      const rows = await listingQuery(db)
        .where("r.customer_id", "=", customerId)
        .where((eb) => eb.or([eb("r.state", "=", "approved"), eb.and([eb("r.state", "=", "pending"), eb("r.expires_at", ">", now)])]))
        .orderBy("r.created_at", "desc")
        .orderBy("r.id", "desc")
        .execute();
      return rows.map((row) => toListing(row, now));
    },
  };
}
