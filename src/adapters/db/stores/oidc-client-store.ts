import type { Kysely, Selectable } from "kysely";
import type { Clock } from "../../../core/kernel/ports.ts";
import type { OidcClient, OidcClientStore } from "../../../core/oidc/ports-oidc.ts";
import type { Database, OidcClientsTable } from "../schema.ts";
import { hashToken } from "../../../core/kernel/token-hash.ts";
import { inTransaction } from "../in-transaction.ts";

/** Grant IDs per DELETE: far below either database's limit of bound parameters. */
const GRANTS_PER_STATEMENT = 500;

function toClient(row: Selectable<OidcClientsTable>): OidcClient {
  return {
    clientId: row.client_id,
    name: row.name,
    secretHash: row.secret_hash,
    redirectUris: JSON.parse(row.redirect_uris) as string[],
    postLogoutRedirectUris: JSON.parse(row.post_logout_redirect_uris) as string[],
    backchannelLogoutUri: row.backchannel_logout_uri,
    createdAt: Number(row.created_at),
    secretRotatedAt: row.secret_rotated_at === null ? null : Number(row.secret_rotated_at),
  };
}

/**
 * The relying parties (migration 0020, `oidc_clients`) on SQLite or PostgreSQL. The clock stamps
 * the end of the connections a removal ends.
 */
export function createOidcClientStore(db: Kysely<Database>, clock: Clock): OidcClientStore {
  return {
    async add(client: OidcClient): Promise<boolean> {
      // Insert-if-absent: of two adds of one ID at once, exactly one writes.
      const inserted = await db
        .insertInto("oidc_clients")
        .values({
          client_id: client.clientId,
          name: client.name,
          secret_hash: client.secretHash,
          redirect_uris: JSON.stringify(client.redirectUris),
          post_logout_redirect_uris: JSON.stringify(client.postLogoutRedirectUris),
          backchannel_logout_uri: client.backchannelLogoutUri,
          created_at: client.createdAt,
          secret_rotated_at: client.secretRotatedAt,
        })
        .onConflict((oc) => oc.column("client_id").doNothing())
        .returning(["client_id"])
        .executeTakeFirst();
      return inserted !== undefined;
    },

    async find(clientId: string): Promise<OidcClient | null> {
      const row = await db.selectFrom("oidc_clients").selectAll().where("client_id", "=", clientId).executeTakeFirst();
      return row === undefined ? null : toClient(row);
    },

    async list(): Promise<OidcClient[]> {
      const rows = await db.selectFrom("oidc_clients").selectAll().orderBy("created_at").orderBy("client_id").execute();
      return rows.map(toClient);
    },

    // One transaction: the client, its live connections and their grants' tokens go together, so no
    // token outlives its client. The grant IDs are those of the rows this UPDATE ended (RETURNING),
    // not of an earlier read that a connection recorded meanwhile could escape.
    async remove(clientId: string): Promise<boolean> {
      return inTransaction(db, async (trx) => {
        const removed = await trx.deleteFrom("oidc_clients").where("client_id", "=", clientId).executeTakeFirst();
        if (Number(removed.numDeletedRows) === 0) {
          return false;
        }
        const ended = await trx
          .updateTable("oidc_connections")
          .set({ ended_at: clock.now(), end_reason: "client_removed" })
          .where("client_id", "=", clientId)
          .where("ended_at", "is", null)
          .returning(["grant_id"])
          .execute();
        const grantIds = [...new Set(ended.map((row) => row.grant_id))];
        for (let start = 0; start < grantIds.length; start += GRANTS_PER_STATEMENT) {
          const chunk = grantIds.slice(start, start + GRANTS_PER_STATEMENT);
          // The grant's tokens carry its ID; the Grant itself is keyed, as every payload, by its ID's hash.
          await trx
            .deleteFrom("oidc_payloads")
            .where((eb) =>
              eb.or([eb("grant_id", "in", chunk), eb.and([eb("model", "=", "Grant"), eb("id_hash", "in", chunk.map((grantId) => hashToken(grantId)))])]),
            )
            .execute();
        }
        return true;
      });
    },

    async replaceSecret(clientId: string, secretHash: string, at: number): Promise<boolean> {
      const result = await db
        .updateTable("oidc_clients")
        .set({ secret_hash: secretHash, secret_rotated_at: at })
        .where("client_id", "=", clientId)
        .where("secret_hash", "is not", null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
  };
}
