import { sql } from "kysely";
import type { Kysely } from "kysely";
import type { ConnectedService, ConnectionEndReason, OidcConnection, OidcConnectionStore } from "../../../core/oidc/ports-oidc.ts";
import type { Database } from "../schema.ts";
import { inTransaction } from "../in-transaction.ts";
import { endConnections } from "../oidc-connection-end.ts";
import { hashToken } from "../../../core/kernel/token-hash.ts";

export interface OidcConnectionStoreOptions {
  /**
   * Called once a back-channel logout was queued and committed (the delivery worker's notify).
   * Not called when the store is bound to a caller's transaction: that one is not committed yet.
   */
  onLogoutQueued?: () => void;
  /** Bound to a caller's transaction: told at once that a logout was queued, for the caller to wake the worker after its commit (mail-outbox.ts). */
  onLogoutQueuedInTransaction?: () => void;
}

export function createOidcConnectionStore(db: Kysely<Database>, options: OidcConnectionStoreOptions = {}): OidcConnectionStore {
  return {
    record(connection: OidcConnection): Promise<boolean> {
      return inTransaction(db, async (trx) => {
        // The session's row lock first, by an UPDATE that changes nothing (as passkey-store.ts does):
        // a session ending at the same moment either ends before (nothing is recorded) or waits for
        // this connection and ends it too. Without it a connection could outlive its session.
        const live = await trx
          .updateTable("sessions")
          .set((eb) => ({ last_seen_at: eb.ref("last_seen_at") }))
          .where("id_hash", "=", connection.sessionIdHash)
          .where("customer_id", "=", connection.customerId)
          .where("ended_at", "is", null)
          .executeTakeFirst();
        if (Number(live.numUpdatedRows) === 0) {
          return false;
        }
        const existing = await trx
          .selectFrom("oidc_connections")
          .select(["id", "ended_at"])
          .where("grant_id", "=", connection.grantId)
          .where("session_id_hash", "=", connection.sessionIdHash)
          .executeTakeFirst();
        if (existing !== undefined) {
          if (existing.ended_at !== null) {
            // Ended (a password change kept this session but ended its tokens): never revived.
            return false;
          }
          await trx.updateTable("oidc_connections").set({ last_used_at: connection.lastUsedAt }).where("id", "=", existing.id).where("last_used_at", "<", connection.lastUsedAt).execute();
          return true;
        }
        await trx
          .insertInto("oidc_connections")
          .values({
            id: connection.id,
            customer_id: connection.customerId,
            client_id: connection.clientId,
            grant_id: connection.grantId,
            sid: connection.sid,
            session_id_hash: connection.sessionIdHash,
            created_at: connection.createdAt,
            last_used_at: connection.lastUsedAt,
            ended_at: null,
            end_reason: null,
          })
          .execute();
        return true;
      });
    },

    async touchGrant(grantId: string, at: number): Promise<void> {
      await db.updateTable("oidc_connections").set({ last_used_at: at }).where("grant_id", "=", grantId).where("ended_at", "is", null).where("last_used_at", "<", at).execute();
    },

    async listServices(customerId: string): Promise<ConnectedService[]> {
      const rows = await db
        .selectFrom("oidc_connections as c")
        // A client removed without its connections ended still shows, under its ID, so it can be ended.
        .leftJoin("oidc_clients as cl", "cl.client_id", "c.client_id")
        .select((eb) => [
          "c.client_id",
          eb.fn.coalesce("cl.name", "c.client_id").as("client_name"),
          eb.fn.min("c.created_at").as("since"),
          eb.fn.max("c.last_used_at").as("last_used_at"),
        ])
        .where("c.customer_id", "=", customerId)
        .where("c.ended_at", "is", null)
        .groupBy(["c.client_id", "cl.name"])
        .orderBy(sql`max(c.last_used_at)`, "desc")
        .orderBy("c.client_id")
        .execute();
      return rows.map((row) => ({ clientId: row.client_id, clientName: row.client_name, since: Number(row.since), lastUsedAt: Number(row.last_used_at) }));
    },

    async findLive(clientId: string, sid: string, now: number): Promise<OidcConnection | null> {
      const row = await db
        .selectFrom("oidc_connections")
        .selectAll()
        .where("client_id", "=", clientId)
        .where("sid", "=", sid)
        .where("ended_at", "is", null)
        .orderBy("created_at", "desc")
        .limit(1)
        .executeTakeFirst();
      if (row === undefined) {
        return null;
      }
      // The grant itself, as the provider keeps it (payload-adapter.ts): gone once revoked (a refresh token's reuse, the revocation endpoint).
      const grant = await db
        .selectFrom("oidc_payloads")
        .select("expires_at")
        .where("model", "=", "Grant")
        .where("id_hash", "=", hashToken(row.grant_id))
        .executeTakeFirst();
      if (grant === undefined || (grant.expires_at !== null && grant.expires_at <= now)) {
        return null;
      }
      return {
        id: row.id,
        customerId: row.customer_id,
        clientId: row.client_id,
        grantId: row.grant_id,
        sid: row.sid,
        sessionIdHash: row.session_id_hash,
        createdAt: row.created_at,
        lastUsedAt: row.last_used_at,
      };
    },

    async isGrantLive(grantId: string): Promise<boolean> {
      const row = await db.selectFrom("oidc_connections").select("id").where("grant_id", "=", grantId).where("ended_at", "is", null).limit(1).executeTakeFirst();
      return row !== undefined;
    },

    async endForClient(customerId: string, clientId: string, at: number, reason: ConnectionEndReason): Promise<number> {
      const result = await inTransaction(db, (trx) => endConnections(trx, { customerId, clientId }, at, reason));
      if (result.deliveriesQueued > 0) {
        (db.isTransaction ? options.onLogoutQueuedInTransaction : options.onLogoutQueued)?.();
      }
      return result.ended;
    },
  };
}
