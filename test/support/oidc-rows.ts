import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import type { Database } from "../../src/adapters/db/schema.ts";
import type { Customer, Session } from "../../src/core/kernel/ports.ts";
import type { OidcConnection } from "../../src/core/oidc/ports-oidc.ts";
import { NOW } from "./rows.ts";

/** A registered client row; with `backchannelLogoutUri` it hears of every session's end. */
export async function insertClient(db: Kysely<Database>, options: { name?: string; backchannelLogoutUri?: string | null } = {}): Promise<string> {
  const clientId = `client-${randomUUID().slice(0, 8)}`;
  await db
    .insertInto("oidc_clients")
    .values({
      client_id: clientId,
      name: options.name ?? `サービス ${clientId}`,
      secret_hash: null,
      redirect_uris: JSON.stringify(["https://rp.example.jp/cb"]),
      post_logout_redirect_uris: "[]",
      backchannel_logout_uri: options.backchannelLogoutUri ?? null,
      created_at: NOW,
      secret_rotated_at: null,
    })
    .execute();
  return clientId;
}

/** A connection of `session` to `clientId` through a new grant (a new sid unless given). */
export function newConnection(customer: Customer, session: Session, clientId: string, overrides: Partial<OidcConnection> = {}): OidcConnection {
  return {
    id: randomUUID(),
    customerId: customer.id,
    clientId,
    grantId: `grant-${randomUUID()}`,
    sid: `sid-${randomUUID()}`,
    sessionIdHash: session.idHash,
    createdAt: NOW,
    lastUsedAt: NOW,
    ...overrides,
  };
}

/** oidc-provider's rows for a grant, as its adapter writes them: the Grant itself, a code, an access and a refresh token. */
export async function insertGrantPayloads(db: Kysely<Database>, grantId: string): Promise<void> {
  await db
    .insertInto("oidc_payloads")
    .values(
      ["Grant", "AuthorizationCode", "AccessToken", "RefreshToken"].map((model) => ({
        model,
        id_hash: randomUUID().replaceAll("-", ""),
        payload: JSON.stringify({ grantId }),
        grant_id: grantId,
        uid: null,
        user_code_hash: null,
        expires_at: NOW + 3_600_000,
        consumed_at: null,
      })),
    )
    .execute();
}

/** How many oidc_payloads rows the grant still has. */
export async function payloadCount(db: Kysely<Database>, grantId: string): Promise<number> {
  const rows = await db.selectFrom("oidc_payloads").select("id_hash").where("grant_id", "=", grantId).execute();
  return rows.length;
}

/** The back-channel logouts queued for customer `sub`, as [client_id, sub, sid] sorted (what the clients would receive). */
export async function queuedLogouts(db: Kysely<Database>, sub: string): Promise<string[][]> {
  const rows = await db.selectFrom("oidc_logout_deliveries").select(["client_id", "sub", "sid"]).where("sub", "=", sub).execute();
  return rows.map((row) => [row.client_id, row.sub, row.sid]).sort((a, b) => a.join(" ").localeCompare(b.join(" ")));
}

/** The connection row (ended or not). */
export function connectionRow(db: Kysely<Database>, id: string): Promise<{ ended_at: number | null; end_reason: string | null; last_used_at: number }> {
  return db.selectFrom("oidc_connections").select(["ended_at", "end_reason", "last_used_at"]).where("id", "=", id).executeTakeFirstOrThrow();
}
