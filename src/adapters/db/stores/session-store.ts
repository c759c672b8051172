import type { Kysely, Selectable, Transaction } from "kysely";
import type { LoginHistoryStore, LoginRecord, Session, SessionStore } from "../../../core/kernel/ports.ts";
import type { SessionEndReason } from "../../../core/kernel/error-reasons.ts";
import { SESSION_END_REASONS } from "../../../core/kernel/error-reasons.ts";
import type { Database, LoginHistoryTable, SessionsTable } from "../schema.ts";
import { inTransaction } from "../in-transaction.ts";
import { prepareQuery } from "../prepared-query.ts";
import { endConnections } from "../oidc-connection-end.ts";
import type { EndedConnections } from "../oidc-connection-end.ts";

export async function insertSession(trx: Transaction<Database>, session: Session): Promise<void> {
  await insertSessionRow(trx, {
    id_hash: session.idHash,
    customer_id: session.customerId,
    auth_methods: JSON.stringify(session.authMethods),
    created_at: session.createdAt,
    last_seen_at: session.lastSeenAt,
    ip: session.ip,
    user_agent: session.userAgent,
  });
}

export async function insertLoginRecord(trx: Transaction<Database>, login: LoginRecord): Promise<void> {
  await insertLoginRow(trx, {
    id: login.id,
    customer_id: login.customerId,
    at: login.at,
    ip: login.ip,
    user_agent: login.userAgent,
    auth_methods: JSON.stringify(login.authMethods),
  });
}

// Every login writes a session and a history row and every page reads the session: built once (issue 23).
const insertSessionRow = prepareQuery<Omit<Selectable<SessionsTable>, "ended_at" | "end_reason">, unknown>((db, bind) =>
  db.insertInto("sessions").values({
    id_hash: bind("id_hash"), customer_id: bind("customer_id"), auth_methods: bind("auth_methods"), created_at: bind("created_at"),
    last_seen_at: bind("last_seen_at"), ended_at: null, end_reason: null, ip: bind("ip"), user_agent: bind("user_agent"),
  }),
);
const insertLoginRow = prepareQuery<Selectable<LoginHistoryTable>, unknown>((db, bind) =>
  db.insertInto("login_history").values({
    id: bind("id"), customer_id: bind("customer_id"), at: bind("at"), ip: bind("ip"), user_agent: bind("user_agent"), auth_methods: bind("auth_methods"),
  }),
);
const touchSession = prepareQuery<{ idHash: string; lastSeenAt: number }, unknown>((db, bind) =>
  db.updateTable("sessions").set({ last_seen_at: bind("lastSeenAt") }).where("id_hash", "=", bind("idHash")),
);
const liveSession = prepareQuery<{ idHash: string }, Selectable<SessionsTable>>((db, bind) =>
  db.selectFrom("sessions").selectAll().where("id_hash", "=", bind("idHash")).where("ended_at", "is", null),
);

function toSession(row: Selectable<SessionsTable>): Session {
  return {
    idHash: row.id_hash,
    customerId: row.customer_id,
    authMethods: JSON.parse(row.auth_methods) as string[],
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    ip: row.ip,
    userAgent: row.user_agent,
  };
}

/** A stored reason as the closed set knows it: a word this version does not know reads as none. */
function knownEndReason(stored: string | null): SessionEndReason | null {
  return (SESSION_END_REASONS as readonly string[]).includes(stored ?? "") ? (stored as SessionEndReason) : null;
}

/**
 * The reasons that end every OpenID Connect connection of the customer, even those of sessions
 * ended before and of the session a password change keeps (issue 20 item 6: "a lock, freeze,
 * password change or reset ends every token of the customer"). Any other end reaches only the
 * connections of the sessions it ends.
 */
const ENDS_EVERY_CONNECTION: ReadonlySet<SessionEndReason> = new Set<SessionEndReason>(["account_locked", "account_frozen", "password_changed"]);

/**
 * A session found idle or too old ends alone: the clients' grants through it stay (the app's
 * refresh tokens, offline_access, outlive the browser's session by design; a trading site keeps
 * its own session rules). Only the ends the customer, the call center or a lock decide reach them.
 */
const LEAVES_CONNECTIONS: ReadonlySet<SessionEndReason> = new Set<SessionEndReason>(["idle_timeout", "absolute_timeout"]);

export interface SessionStoreOptions {
  /**
   * Called once a session's end queued a back-channel logout and committed (the delivery worker's
   * notify). Not called when the store is bound to a caller's transaction: that one is not committed yet.
   */
  onLogoutQueued?: () => void;
  /** Bound to a caller's transaction: told at once that a logout was queued, for the caller to wake the worker after its commit (mail-outbox.ts). */
  onLogoutQueuedInTransaction?: () => void;
}

export function createSessionStore(db: Kysely<Database>, options: SessionStoreOptions = {}): SessionStore {
  const afterEnd = (result: EndedConnections): void => {
    if (result.deliveriesQueued > 0) {
      (db.isTransaction ? options.onLogoutQueuedInTransaction : options.onLogoutQueued)?.();
    }
  };
  return {
    async create(session: Session, login: LoginRecord): Promise<void> {
      await inTransaction(db, async (trx) => {
        await insertSession(trx, session);
        await insertLoginRecord(trx, login);
      });
    },

    async find(idHash: string): Promise<Session | null> {
      const row = (await liveSession(db, { idHash })).rows[0];
      return row === undefined ? null : toSession(row);
    },

    async touch(idHash: string, lastSeenAt: number): Promise<void> {
      await touchSession(db, { idHash, lastSeenAt });
    },

    async end(idHash: string, endedAt: number, reason: SessionEndReason): Promise<void> {
      // The session and the clients' grants through it end together (issue 20 item 6).
      const result = await inTransaction(db, async (trx) => {
        await trx.updateTable("sessions").set({ ended_at: endedAt, end_reason: reason }).where("id_hash", "=", idHash).where("ended_at", "is", null).execute();
        return LEAVES_CONNECTIONS.has(reason) ? { ended: 0, deliveriesQueued: 0 } : endConnections(trx, { sessionIdHashes: [idHash] }, endedAt, reason);
      });
      afterEnd(result);
    },

    async endAllForCustomer(customerId: string, endedAt: number, reason: SessionEndReason, endOptions?: { except?: string }): Promise<number> {
      const { sessions, connections } = await inTransaction(db, async (trx) => {
        let update = trx.updateTable("sessions").set({ ended_at: endedAt, end_reason: reason }).where("customer_id", "=", customerId).where("ended_at", "is", null);
        if (endOptions?.except !== undefined) {
          update = update.where("id_hash", "!=", endOptions.except);
        }
        const ended = await update.returning("id_hash").execute();
        const which = ENDS_EVERY_CONNECTION.has(reason) ? { customerId } : { sessionIdHashes: ended.map((row) => row.id_hash) };
        return { sessions: ended.length, connections: await endConnections(trx, which, endedAt, reason) };
      });
      afterEnd(connections);
      return sessions;
    },

    async endReason(idHash: string): Promise<SessionEndReason | null> {
      const row = await db.selectFrom("sessions").select("end_reason").where("id_hash", "=", idHash).where("ended_at", "is not", null).executeTakeFirst();
      return knownEndReason(row?.end_reason ?? null);
    },

    async listOpen(customerId: string): Promise<Session[]> {
      const rows = await db
        .selectFrom("sessions")
        .selectAll()
        .where("customer_id", "=", customerId)
        .where("ended_at", "is", null)
        .orderBy("created_at", "desc")
        .orderBy("id_hash")
        .execute();
      return rows.map(toSession);
    },
  };
}

// マイページ's login history, at every visit (issue 23; prepared-query.ts).
const recentLogins = prepareQuery<{ customerId: string; limit: number }, Selectable<LoginHistoryTable>>((db, bind) =>
  db.selectFrom("login_history").selectAll().where("customer_id", "=", bind("customerId")).orderBy("at", "desc").orderBy("id", "desc").limit(bind("limit")),
);

export function createLoginHistoryStore(db: Kysely<Database>): LoginHistoryStore {
  return {
    async recent(customerId: string, limit: number): Promise<LoginRecord[]> {
      const { rows } = await recentLogins(db, { customerId, limit });
      return rows.map((row) => ({
        id: row.id,
        customerId: row.customer_id,
        at: row.at,
        ip: row.ip,
        userAgent: row.user_agent,
        authMethods: JSON.parse(row.auth_methods) as string[],
      }));
    },
  };
}
