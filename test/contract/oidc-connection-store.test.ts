import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Kysely } from "kysely";
import type { Customer, Session, SessionStore } from "../../src/core/kernel/ports.ts";
import type { OidcConnectionStore } from "../../src/core/oidc/ports-oidc.ts";
import type { DatabaseHandle } from "../../src/adapters/db/connect.ts";
import type { Database } from "../../src/adapters/db/schema.ts";
import { createOidcConnectionStore } from "../../src/adapters/db/stores/oidc-connection-store.ts";
import { createSessionStore } from "../../src/adapters/db/stores/session-store.ts";
import { DB_BACKENDS, seedCustomer } from "../support/db-backends.ts";
import { NOW, newLogin, newSession } from "../support/rows.ts";
import { connectionRow, insertClient, insertGrantPayloads, newConnection, payloadCount, queuedLogouts } from "../support/oidc-rows.ts";

// Issue 20 items 6 and 8: which client holds a grant through which okb-login session, what the
// customer and the call center see of it, and what ending it does to the tokens and the client.

for (const backend of DB_BACKENDS) {
  describe(`OpenID Connect connection store contract (${backend.name})`, () => {
    let handle: DatabaseHandle;
    let db: Kysely<Database>;
    let sessions: SessionStore;
    let connections: OidcConnectionStore;
    let close: () => Promise<void>;
    before(async () => {
      const opened = await backend.open();
      handle = opened.handle;
      db = handle.db;
      sessions = createSessionStore(db);
      connections = createOidcConnectionStore(db);
      close = opened.close;
    });
    after(async () => {
      await close();
    });

    async function liveSession(customer: Customer): Promise<Session> {
      const session = newSession(customer);
      await sessions.create(session, newLogin(customer));
      return session;
    }

    it("lists one line per client with its name, since the first connection, last used by the latest, newest use first", async () => {
      const customer = await seedCustomer(handle);
      const phone = await liveSession(customer);
      const laptop = await liveSession(customer);
      const trading = await insertClient(db, { name: "OKB トレード" });
      const app = await insertClient(db, { name: "OKB アプリ" });
      assert.equal(await connections.record(newConnection(customer, phone, trading, { createdAt: NOW + 1000, lastUsedAt: NOW + 5000 })), true);
      assert.equal(await connections.record(newConnection(customer, laptop, trading, { createdAt: NOW + 2000, lastUsedAt: NOW + 3000 })), true);
      assert.equal(await connections.record(newConnection(customer, phone, app, { createdAt: NOW + 500, lastUsedAt: NOW + 9000 })), true);
      // Another customer's connection is not theirs to see.
      const other = await seedCustomer(handle);
      await connections.record(newConnection(other, await liveSession(other), trading));

      assert.deepEqual(await connections.listServices(customer.id), [
        { clientId: app, clientName: "OKB アプリ", since: NOW + 500, lastUsedAt: NOW + 9000 },
        { clientId: trading, clientName: "OKB トレード", since: NOW + 1000, lastUsedAt: NOW + 5000 },
      ]);
      assert.deepEqual(await connections.listServices((await seedCustomer(handle)).id), []);
    });

    it("recording the same grant and session again touches the one connection instead of adding one (never moving it back)", async () => {
      const customer = await seedCustomer(handle);
      const session = await liveSession(customer);
      const client = await insertClient(db);
      const first = newConnection(customer, session, client);
      await connections.record(first);
      assert.equal(await connections.record({ ...first, id: "another-id", lastUsedAt: NOW + 60_000 }), true);
      assert.equal(await connections.record({ ...first, id: "a-third-id", lastUsedAt: NOW + 30_000 }), true);
      const rows = await db.selectFrom("oidc_connections").select(["id", "last_used_at"]).where("customer_id", "=", customer.id).execute();
      assert.deepEqual(rows, [{ id: first.id, last_used_at: NOW + 60_000 }]);
      // The same grant through another session of the customer is a connection of its own.
      await connections.record({ ...first, id: "through-another-session", sessionIdHash: (await liveSession(customer)).idHash });
      assert.equal((await db.selectFrom("oidc_connections").select("id").where("customer_id", "=", customer.id).execute()).length, 2);
    });

    it("records nothing through a session that has ended or is another customer's, and answers false", async () => {
      const customer = await seedCustomer(handle);
      const session = await liveSession(customer);
      const client = await insertClient(db);
      await sessions.end(session.idHash, NOW + 1000, "logged_out");
      assert.equal(await connections.record(newConnection(customer, session, client)), false);
      const other = await seedCustomer(handle);
      const theirs = await liveSession(other);
      assert.equal(await connections.record(newConnection(customer, theirs, client)), false);
      assert.equal(await connections.record(newConnection(customer, newSession(customer), client)), false);
      assert.deepEqual(await connections.listServices(customer.id), []);
      assert.equal((await db.selectFrom("oidc_connections").select("id").where("customer_id", "=", customer.id).execute()).length, 0);
    });

    it("touchGrant moves the last use of the grant's live connections forward only", async () => {
      const customer = await seedCustomer(handle);
      const client = await insertClient(db);
      const connection = newConnection(customer, await liveSession(customer), client);
      await connections.record(connection);
      await connections.touchGrant(connection.grantId, NOW + 120_000);
      assert.equal((await connectionRow(db, connection.id)).last_used_at, NOW + 120_000);
      await connections.touchGrant(connection.grantId, NOW + 60_000);
      assert.equal((await connectionRow(db, connection.id)).last_used_at, NOW + 120_000);
      await connections.touchGrant("no-such-grant", NOW + 200_000);
      assert.deepEqual((await connections.listServices(customer.id)).map((line) => line.lastUsedAt), [NOW + 120_000]);
    });

    it("endForClient ends the customer's connections to that client only: their tokens are deleted, a logout is queued for each sid", async () => {
      const customer = await seedCustomer(handle);
      const phone = await liveSession(customer);
      const laptop = await liveSession(customer);
      const listening = await insertClient(db, { backchannelLogoutUri: "https://trade.example.jp/backchannel" });
      const kept = await insertClient(db, { backchannelLogoutUri: "https://app.example.jp/backchannel" });
      const onPhone = newConnection(customer, phone, listening);
      const onLaptop = newConnection(customer, laptop, listening);
      const otherClient = newConnection(customer, phone, kept);
      const other = await seedCustomer(handle);
      const othersConnection = newConnection(other, await liveSession(other), listening);
      for (const connection of [onPhone, onLaptop, otherClient, othersConnection]) {
        await connections.record(connection);
        await insertGrantPayloads(db, connection.grantId);
      }

      assert.equal(await connections.endForClient(customer.id, listening, NOW + 10_000, "ended_by_customer"), 2);

      for (const ended of [onPhone, onLaptop]) {
        assert.deepEqual(await connectionRow(db, ended.id), { ended_at: NOW + 10_000, end_reason: "ended_by_customer", last_used_at: NOW });
        assert.equal(await connections.isGrantLive(ended.grantId), false);
        assert.equal(await payloadCount(db, ended.grantId), 0, "the grant's code and tokens are gone");
      }
      for (const untouched of [otherClient, othersConnection]) {
        assert.equal((await connectionRow(db, untouched.id)).ended_at, null);
        assert.equal(await connections.isGrantLive(untouched.grantId), true);
        assert.equal(await payloadCount(db, untouched.grantId), 4);
      }
      assert.deepEqual(await connections.listServices(customer.id), [{ clientId: kept, clientName: `サービス ${kept}`, since: NOW, lastUsedAt: NOW }]);
      assert.deepEqual(
        await queuedLogouts(db, customer.id),
        [[listening, customer.id, onPhone.sid], [listening, customer.id, onLaptop.sid]].sort((a, b) => a.join(" ").localeCompare(b.join(" "))),
      );
      const delivery = await db.selectFrom("oidc_logout_deliveries").selectAll().where("sid", "=", onPhone.sid).executeTakeFirstOrThrow();
      assert.equal(delivery.next_attempt_at, NOW + 10_000, "due at once");
      assert.equal(delivery.attempts, 0);
      assert.equal(delivery.delivered_at, null);

      // Ending again finds nothing live and queues nothing new.
      assert.equal(await connections.endForClient(customer.id, listening, NOW + 20_000, "revoked_by_operator"), 0);
      assert.equal((await queuedLogouts(db, customer.id)).length, 2);
      assert.equal((await connectionRow(db, onPhone.id)).end_reason, "ended_by_customer");
    });

    it("queues no logout for a client without a back-channel URI, but still ends its connection and its tokens", async () => {
      const customer = await seedCustomer(handle);
      const silent = await insertClient(db, { backchannelLogoutUri: null });
      const connection = newConnection(customer, await liveSession(customer), silent);
      await connections.record(connection);
      await insertGrantPayloads(db, connection.grantId);
      assert.equal(await connections.endForClient(customer.id, silent, NOW + 1000, "revoked_by_operator"), 1);
      assert.deepEqual(await queuedLogouts(db, customer.id), []);
      assert.equal(await payloadCount(db, connection.grantId), 0);
      assert.deepEqual(await connections.listServices(customer.id), []);
    });

    it("an ended connection is never revived by recording its grant and session again", async () => {
      const customer = await seedCustomer(handle);
      const client = await insertClient(db);
      const connection = newConnection(customer, await liveSession(customer), client);
      await connections.record(connection);
      await connections.endForClient(customer.id, client, NOW + 1000, "ended_by_customer");
      assert.equal(await connections.record({ ...connection, id: "again", lastUsedAt: NOW + 2000 }), false);
      assert.equal(await connections.isGrantLive(connection.grantId), false);
      assert.deepEqual(await connections.listServices(customer.id), []);
    });

    it("a client removed while connected still shows, under its ID, so it can be ended", async () => {
      const customer = await seedCustomer(handle);
      const client = await insertClient(db);
      await connections.record(newConnection(customer, await liveSession(customer), client));
      await db.deleteFrom("oidc_clients").where("client_id", "=", client).execute();
      assert.deepEqual(await connections.listServices(customer.id), [{ clientId: client, clientName: client, since: NOW, lastUsedAt: NOW }]);
      assert.equal(await connections.endForClient(customer.id, client, NOW + 1000, "client_removed"), 1);
    });

    it("a connection recorded while its session ends never outlives it (the session's row lock decides)", async () => {
      const customer = await seedCustomer(handle);
      const client = await insertClient(db, { backchannelLogoutUri: "https://trade.example.jp/backchannel" });
      for (let round = 0; round < 10; round += 1) {
        const session = await liveSession(customer);
        const connection = newConnection(customer, session, client);
        const [recorded] = await Promise.all([connections.record(connection), sessions.end(session.idHash, NOW + 1000, "logged_out")]);
        const row = await db.selectFrom("oidc_connections").select("ended_at").where("id", "=", connection.id).executeTakeFirst();
        if (recorded) {
          assert.equal(row?.ended_at, NOW + 1000, `round ${round}: recorded first, so the session's end ended it`);
        } else {
          assert.equal(row, undefined, `round ${round}: the session ended first, so nothing was recorded`);
        }
        assert.equal(await connections.isGrantLive(connection.grantId), false);
      }
    });
  });
}
