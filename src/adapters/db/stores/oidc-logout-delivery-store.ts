import { sql } from "kysely";
import type { Kysely } from "kysely";
import type { Database } from "../schema.ts";
import type { DialectName } from "../connect.ts";

/** A back-channel logout leased to one worker (queued by oidc-connection-end.ts). */
export interface ClaimedLogoutDelivery {
  id: string;
  clientId: string;
  /** The customer's id (the OIDC `sub`). */
  sub: string;
  sid: string;
  /** Tries so far, this one included. */
  attempts: number;
  createdAt: number;
}

export interface OidcLogoutDeliveryStore {
  /** Leases up to `limit` due deliveries to this worker until `now + leaseMs`; no other worker gets them meanwhile. */
  claim(now: number, leaseMs: number, limit: number): Promise<ClaimedLogoutDelivery[]>;
  markDelivered(id: string, at: number): Promise<void>;
  /** Tried and failed: due again at `nextAttemptAt`, the lease let go. */
  markFailed(id: string, nextAttemptAt: number, error: string): Promise<void>;
  /** Tried for too long: never tried again. */
  giveUp(id: string, at: number, error: string): Promise<void>;
  /** Gives back claimed deliveries this worker never tried (it is stopping): due again at once, their try not counted. */
  release(ids: string[]): Promise<void>;
  /**
   * The earliest time after `now` at which a pending delivery becomes claimable (its next attempt, or its
   * lease's end when that is later), or null when none waits for a time: the worker sleeps until then.
   */
  nextDueAfter(now: number): Promise<number | null>;
  /** Neither delivered nor given up (for /metrics). */
  pendingCount(): Promise<number>;
}

// The client's answer is kept for the operator who asks why; bounded.
const ERROR_MAX = 500;

export function createOidcLogoutDeliveryStore(db: Kysely<Database>, dialect: DialectName): OidcLogoutDeliveryStore {
  return {
    async claim(now: number, leaseMs: number, limit: number): Promise<ClaimedLogoutDelivery[]> {
      let due = db
        .selectFrom("oidc_logout_deliveries")
        .select("id")
        .where("delivered_at", "is", null)
        .where("given_up_at", "is", null)
        .where("next_attempt_at", "<=", now)
        .where((eb) => eb.or([eb("claimed_until", "is", null), eb("claimed_until", "<=", now)]))
        .orderBy("next_attempt_at")
        .limit(limit);
      if (dialect === "postgres") {
        // Several instances poll the same table: skip rows another worker is claiming right now.
        due = due.forUpdate().skipLocked();
      }
      // As outbox-store.ts claims mails: a materialized CTE picks the due rows once, and the
      // UPDATE repeats the claim condition so a row leased meanwhile is not taken twice.
      const rows = await db
        .with((cte) => cte("due").materialized(), () => due)
        .updateTable("oidc_logout_deliveries")
        .set({ claimed_until: now + leaseMs, attempts: sql`attempts + 1` })
        .where("id", "in", (eb) => eb.selectFrom("due").select("due.id"))
        .where("delivered_at", "is", null)
        .where("given_up_at", "is", null)
        .where((eb) => eb.or([eb("claimed_until", "is", null), eb("claimed_until", "<=", now)]))
        .returning(["id", "client_id", "sub", "sid", "attempts", "created_at"])
        .execute();
      return rows
        .map((row) => ({ id: row.id, clientId: row.client_id, sub: row.sub, sid: row.sid, attempts: row.attempts, createdAt: row.created_at }))
        .sort((a, b) => a.createdAt - b.createdAt);
    },

    async markDelivered(id: string, at: number): Promise<void> {
      await db.updateTable("oidc_logout_deliveries").set({ delivered_at: at, claimed_until: null, last_error: null }).where("id", "=", id).execute();
    },

    async markFailed(id: string, nextAttemptAt: number, error: string): Promise<void> {
      await db
        .updateTable("oidc_logout_deliveries")
        .set({ next_attempt_at: nextAttemptAt, claimed_until: null, last_error: error.slice(0, ERROR_MAX) })
        .where("id", "=", id)
        .where("delivered_at", "is", null)
        .execute();
    },

    async giveUp(id: string, at: number, error: string): Promise<void> {
      await db
        .updateTable("oidc_logout_deliveries")
        .set({ given_up_at: at, claimed_until: null, last_error: error.slice(0, ERROR_MAX) })
        .where("id", "=", id)
        .where("delivered_at", "is", null)
        .execute();
    },

    async release(ids: string[]): Promise<void> {
      if (ids.length === 0) {
        return;
      }
      await db
        .updateTable("oidc_logout_deliveries")
        .set({ claimed_until: null, attempts: sql`attempts - 1` })
        .where("id", "in", ids)
        .where("delivered_at", "is", null)
        .where("given_up_at", "is", null)
        .execute();
    },

    async nextDueAfter(now: number): Promise<number | null> {
      const dueAt = sql<number>`case when claimed_until > next_attempt_at then claimed_until else next_attempt_at end`;
      const row = await db
        .selectFrom("oidc_logout_deliveries")
        .select((eb) => eb.fn.min<number>(dueAt).as("at"))
        .where("delivered_at", "is", null)
        .where("given_up_at", "is", null)
        .where(dueAt, ">", now)
        .executeTakeFirst();
      return row?.at ?? null;
    },

    async pendingCount(): Promise<number> {
      const row = await db
        .selectFrom("oidc_logout_deliveries")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("delivered_at", "is", null)
        .where("given_up_at", "is", null)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
  };
}
