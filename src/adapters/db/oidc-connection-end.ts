import { randomUUID } from "node:crypto";
import type { Transaction } from "kysely";
import type { Database } from "./schema.ts";

/** Whose live connections end: those of some sessions, or every one of a customer (to one client only, with `clientId`). */
export type ConnectionsToEnd = { sessionIdHashes: readonly string[] } | { customerId: string; clientId?: string };

export interface EndedConnections {
  /** Connections this call ended (0: none was live). */
  ended: number;
  /** Back-channel logouts newly queued (one per client and sid; none for a client without a back-channel URI). */
  deliveriesQueued: number;
}

/**
 * Ends live connections in the caller's transaction (issue 20 item 6): marks them ended, deletes
 * the oidc_payloads rows of their grants (codes, tokens and the Grant itself stop working at once)
 * and queues one back-channel logout per ended connection whose client has a back-channel URI.
 * On PostgreSQL a connection two transactions end at once is ended (and its logout queued) by
 * the first only: the second waits for its row lock and then finds it ended.
 */
export async function endConnections(trx: Transaction<Database>, which: ConnectionsToEnd, at: number, reason: string): Promise<EndedConnections> {
  let update = trx.updateTable("oidc_connections").set({ ended_at: at, end_reason: reason }).where("ended_at", "is", null);
  if ("sessionIdHashes" in which) {
    if (which.sessionIdHashes.length === 0) {
      // The common logout of a customer who never used a client costs no statement here.
      return { ended: 0, deliveriesQueued: 0 };
    }
    update = update.where("session_id_hash", "in", [...which.sessionIdHashes]);
  } else {
    update = update.where("customer_id", "=", which.customerId);
    if (which.clientId !== undefined) {
      update = update.where("client_id", "=", which.clientId);
    }
  }
  const ended = await update.returning(["customer_id", "client_id", "grant_id", "sid"]).execute();
  if (ended.length === 0) {
    return { ended: 0, deliveriesQueued: 0 };
  }
  await deleteGrantsLeftWithoutConnection(trx, ended.map((row) => row.grant_id));
  const deliveriesQueued = await queueLogouts(trx, ended, at);
  return { ended: ended.length, deliveriesQueued };
}

/**
 * The payload rows of the grants no live connection holds any more. A grant oidc-provider reused
 * for a second okb-login session (its own session cookie outlived ours) keeps its tokens while
 * that session lives, as `isGrantLive` answers.
 */
async function deleteGrantsLeftWithoutConnection(trx: Transaction<Database>, grantIds: string[]): Promise<void> {
  const grants = [...new Set(grantIds)];
  const stillHeld = await trx.selectFrom("oidc_connections").select("grant_id").distinct().where("grant_id", "in", grants).where("ended_at", "is", null).execute();
  const held = new Set(stillHeld.map((row) => row.grant_id));
  const gone = grants.filter((grant) => !held.has(grant));
  if (gone.length > 0) {
    await trx.deleteFrom("oidc_payloads").where("grant_id", "in", gone).execute();
  }
}

async function queueLogouts(trx: Transaction<Database>, ended: { customer_id: string; client_id: string; sid: string }[], at: number): Promise<number> {
  const clientIds = [...new Set(ended.map((row) => row.client_id))];
  const withBackChannel = await trx
    .selectFrom("oidc_clients")
    .select("client_id")
    .where("client_id", "in", clientIds)
    .where("backchannel_logout_uri", "is not", null)
    .execute();
  const listening = new Set(withBackChannel.map((row) => row.client_id));
  // One logout per client and sid (the table's unique key), whatever the number of grants behind it.
  const byKey = new Map<string, { customer_id: string; client_id: string; sid: string }>();
  for (const row of ended) {
    if (listening.has(row.client_id)) {
      byKey.set(JSON.stringify([row.client_id, row.sid]), row);
    }
  }
  if (byKey.size === 0) {
    return 0;
  }
  const queued = await trx
    .insertInto("oidc_logout_deliveries")
    .values(
      [...byKey.values()].map((row) => ({
        id: randomUUID(),
        client_id: row.client_id,
        sub: row.customer_id,
        sid: row.sid,
        created_at: at,
        next_attempt_at: at,
      })),
    )
    // Already queued for this client and sid (the same sid ended once before): once is enough.
    .onConflict((conflict) => conflict.columns(["client_id", "sid"]).doNothing())
    .returning("id")
    .execute();
  return queued.length;
}
