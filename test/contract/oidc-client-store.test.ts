import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import type { Customer } from "../../src/core/kernel/ports.ts";
import type { OidcClient, OidcClientStore } from "../../src/core/oidc/ports-oidc.ts";
import type { Database } from "../../src/adapters/db/schema.ts";
import { createOidcClientStore } from "../../src/adapters/db/stores/oidc-client-store.ts";
import { hashToken } from "../../src/core/kernel/token-hash.ts";
import { DB_BACKENDS, seedCustomer } from "../support/db-backends.ts";
import { ManualClock } from "../support/manual-clock.ts";
import { NOW } from "../support/rows.ts";

function newClient(overrides: Partial<OidcClient> = {}): OidcClient {
  return {
    clientId: `rp-${randomUUID().slice(0, 8)}`,
    name: "OKB トレード",
    secretHash: hashToken(randomUUID()),
    redirectUris: ["https://trade.example.jp/callback", "http://localhost:3000/callback"],
    postLogoutRedirectUris: ["https://trade.example.jp/"],
    backchannelLogoutUri: "https://trade.example.jp/backchannel-logout",
    createdAt: NOW,
    secretRotatedAt: null,
    ...overrides,
  };
}

// The relying parties' store (migration 0020, issue 20 item 2) on every backend: an ID taken once,
// only hashes of secrets, and a removal that takes the client's live connections and tokens with it.
for (const backend of DB_BACKENDS) {
  describe(`OIDC client store contract (${backend.name})`, () => {
    let db: Kysely<Database>;
    let clients: OidcClientStore;
    const clock = new ManualClock(NOW + 60_000);
    let customer: Customer;
    let close: () => Promise<void>;
    before(async () => {
      const opened = await backend.open();
      db = opened.handle.db;
      clients = createOidcClientStore(db, clock);
      customer = await seedCustomer(opened.handle);
      close = opened.close;
    });
    after(() => close());

    async function connect(clientId: string, options: { endedAt?: number } = {}): Promise<{ id: string; grantId: string }> {
      const id = randomUUID();
      const grantId = `grant-${randomUUID()}`;
      await db
        .insertInto("oidc_connections")
        .values({
          id,
          customer_id: customer.id,
          client_id: clientId,
          grant_id: grantId,
          sid: randomUUID(),
          session_id_hash: hashToken(randomUUID()),
          created_at: NOW,
          last_used_at: NOW,
          ended_at: options.endedAt ?? null,
          end_reason: options.endedAt === undefined ? null : "logout",
        })
        .execute();
      return { id, grantId };
    }

    async function payload(model: string, id: string, grantId: string | null): Promise<void> {
      await db.insertInto("oidc_payloads").values({ model, id_hash: hashToken(id), payload: "{}", grant_id: grantId, uid: null, user_code_hash: null, expires_at: NOW + 3_600_000, consumed_at: null }).execute();
    }

    async function payloadIds(): Promise<string[]> {
      const rows = await db.selectFrom("oidc_payloads").select(["model", "id_hash"]).execute();
      return rows.map((row) => `${row.model}:${row.id_hash}`).sort();
    }

    it("adds a client and finds it as it was given, URIs in order; an unknown ID finds nothing", async () => {
      const client = newClient();
      assert.equal(await clients.add(client), true);
      assert.deepEqual(await clients.find(client.clientId), client);
      assert.equal(await clients.find("no-such-client"), null);
    });

    it("keeps a public client without a secret, and without post-logout or back-channel URIs", async () => {
      const client = newClient({ secretHash: null, postLogoutRedirectUris: [], backchannelLogoutUri: null });
      assert.equal(await clients.add(client), true);
      assert.deepEqual(await clients.find(client.clientId), client);
    });

    it("refuses a taken client ID and keeps the first client as it was", async () => {
      const first = newClient();
      assert.equal(await clients.add(first), true);
      assert.equal(await clients.add(newClient({ clientId: first.clientId, name: "別のサービス", secretHash: null })), false);
      assert.deepEqual(await clients.find(first.clientId), first);
    });

    it("of 8 concurrent adds of one client ID, exactly one is written", async () => {
      const clientId = `race-${randomUUID().slice(0, 8)}`;
      const added = await Promise.all(Array.from({ length: 8 }, (_, index) => clients.add(newClient({ clientId, name: `サービス ${index}` }))));
      assert.equal(added.filter(Boolean).length, 1);
      const kept = await clients.find(clientId);
      assert.equal(kept?.name, `サービス ${added.indexOf(true)}`);
    });

    it("lists the clients oldest first", async () => {
      const newer = newClient({ createdAt: NOW + 2 });
      const older = newClient({ createdAt: NOW + 1 });
      await clients.add(newer);
      await clients.add(older);
      const listed = (await clients.list()).map((client) => client.clientId);
      assert.ok(listed.indexOf(older.clientId) < listed.indexOf(newer.clientId), listed.join(" "));
      assert.ok(listed.indexOf(older.clientId) > 0, "after the clients added at NOW");
    });

    it("replaces a confidential client's secret hash (the old one is gone); not for a public or unknown client", async () => {
      const confidential = newClient();
      const publicClient = newClient({ secretHash: null });
      await clients.add(confidential);
      await clients.add(publicClient);
      const newHash = hashToken("the new secret");
      assert.equal(await clients.replaceSecret(confidential.clientId, newHash, NOW + 5), true);
      assert.deepEqual(await clients.find(confidential.clientId), { ...confidential, secretHash: newHash, secretRotatedAt: NOW + 5 });
      assert.equal(await clients.replaceSecret(publicClient.clientId, newHash, NOW + 5), false);
      assert.deepEqual(await clients.find(publicClient.clientId), publicClient, "a public client gets no secret");
      assert.equal(await clients.replaceSecret("no-such-client", newHash, NOW + 5), false);
    });

    it("remove: the client goes, its live connections end (client_removed) and their grants' tokens and grants are deleted; nothing else changes", async () => {
      const removed = newClient();
      const kept = newClient();
      await clients.add(removed);
      await clients.add(kept);
      const live = [await connect(removed.clientId), await connect(removed.clientId)];
      const endedBefore = await connect(removed.clientId, { endedAt: NOW + 1 });
      const other = await connect(kept.clientId);
      for (const connection of live) {
        await payload("AccessToken", `at-${connection.grantId}`, connection.grantId);
        await payload("RefreshToken", `rt-${connection.grantId}`, connection.grantId);
        await payload("Grant", connection.grantId, null);
      }
      await payload("AccessToken", `at-${other.grantId}`, other.grantId);
      await payload("Grant", other.grantId, null);
      await payload("Session", "a browser session", null);
      const untouched = [`AccessToken:${hashToken(`at-${other.grantId}`)}`, `Grant:${hashToken(other.grantId)}`, `Session:${hashToken("a browser session")}`].sort();

      assert.equal(await clients.remove(removed.clientId), true);

      assert.equal(await clients.find(removed.clientId), null);
      assert.deepEqual(await clients.find(kept.clientId), kept);
      const connections = await db.selectFrom("oidc_connections").select(["id", "ended_at", "end_reason"]).execute();
      const byId = new Map(connections.map((row) => [row.id, { endedAt: row.ended_at === null ? null : Number(row.ended_at), reason: row.end_reason }]));
      for (const connection of live) {
        assert.deepEqual(byId.get(connection.id), { endedAt: clock.now(), reason: "client_removed" });
      }
      assert.deepEqual(byId.get(endedBefore.id), { endedAt: NOW + 1, reason: "logout" }, "an ended connection keeps why it ended");
      assert.deepEqual(byId.get(other.id), { endedAt: null, reason: null }, "another client's connection stays live");
      assert.deepEqual(await payloadIds(), untouched);
    });

    it("remove of a client with 1,100 live connections deletes every one of their tokens (more grants than one statement takes)", async () => {
      const client = newClient();
      await clients.add(client);
      const grantIds = Array.from({ length: 1_100 }, () => `grant-${randomUUID()}`);
      await db
        .insertInto("oidc_connections")
        .values(grantIds.map((grantId) => ({ id: randomUUID(), customer_id: customer.id, client_id: client.clientId, grant_id: grantId, sid: randomUUID(), session_id_hash: "h", created_at: NOW, last_used_at: NOW, ended_at: null, end_reason: null })))
        .execute();
      await db
        .insertInto("oidc_payloads")
        .values(grantIds.map((grantId) => ({ model: "RefreshToken", id_hash: hashToken(`rt-${grantId}`), payload: "{}", grant_id: grantId, uid: null, user_code_hash: null, expires_at: null, consumed_at: null })))
        .execute();
      assert.equal(await clients.remove(client.clientId), true);
      const left = await db.selectFrom("oidc_payloads").select((eb) => eb.fn.countAll<number>().as("n")).where("grant_id", "in", grantIds).executeTakeFirstOrThrow();
      assert.equal(Number(left.n), 0, "every refresh token of the client is gone, the last chunk's too");
      const live = await db.selectFrom("oidc_connections").select((eb) => eb.fn.countAll<number>().as("n")).where("client_id", "=", client.clientId).where("ended_at", "is", null).executeTakeFirstOrThrow();
      assert.equal(Number(live.n), 0);
    });

    it("remove of an unknown client ID changes nothing and says so", async () => {
      const before = await payloadIds();
      assert.equal(await clients.remove("no-such-client"), false);
      assert.deepEqual(await payloadIds(), before);
    });
  });
}
