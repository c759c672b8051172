import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Kysely } from "kysely";
import type { Customer, Session, SessionStore } from "../../src/core/kernel/ports.ts";
import type { OidcConnection, OidcConnectionStore } from "../../src/core/oidc/ports-oidc.ts";
import type { DatabaseHandle } from "../../src/adapters/db/connect.ts";
import type { Database } from "../../src/adapters/db/schema.ts";
import { createOidcConnectionStore } from "../../src/adapters/db/stores/oidc-connection-store.ts";
import { createSessionStore } from "../../src/adapters/db/stores/session-store.ts";
import { DB_BACKENDS, seedCustomer } from "../support/db-backends.ts";
import { NOW, newLogin, newSession } from "../support/rows.ts";
import { connectionRow, insertClient, insertGrantPayloads, newConnection, payloadCount, queuedLogouts } from "../support/oidc-rows.ts";

// Issue 20 item 6: whenever an okb-login session ends, every client holding a grant through it
// hears of it (a back-channel logout queued in the same transaction) and the grant's tokens stop
// working; a lock, a freeze or a password change ends every token of the customer.

interface Setup {
  customer: Customer;
  /** Three live sessions of the customer. */
  phone: Session;
  laptop: Session;
  tablet: Session;
  /** One connection per session to a client with a back-channel URI, one on the phone to a client without. */
  onPhone: OidcConnection;
  onLaptop: OidcConnection;
  onTablet: OidcConnection;
  silentOnPhone: OidcConnection;
  listening: string;
}

function sortedLogouts(rows: string[][]): string[][] {
  return [...rows].sort((a, b) => a.join(" ").localeCompare(b.join(" ")));
}

for (const backend of DB_BACKENDS) {
  describe(`a session's end ends its OpenID Connect connections (${backend.name})`, () => {
    let handle: DatabaseHandle;
    let db: Kysely<Database>;
    let sessions: SessionStore;
    let connections: OidcConnectionStore;
    let wakes = 0;
    let close: () => Promise<void>;
    before(async () => {
      const opened = await backend.open();
      handle = opened.handle;
      db = handle.db;
      sessions = createSessionStore(db, { onLogoutQueued: () => (wakes += 1) });
      connections = createOidcConnectionStore(db);
      close = opened.close;
    });
    after(async () => {
      await close();
    });

    async function setup(): Promise<Setup> {
      const customer = await seedCustomer(handle);
      const [phone, laptop, tablet] = [newSession(customer), newSession(customer), newSession(customer)];
      for (const session of [phone, laptop, tablet]) {
        await sessions.create(session, newLogin(customer));
      }
      const listening = await insertClient(db, { backchannelLogoutUri: "https://trade.example.jp/backchannel" });
      const silent = await insertClient(db, { backchannelLogoutUri: null });
      const made = {
        onPhone: newConnection(customer, phone, listening),
        onLaptop: newConnection(customer, laptop, listening),
        onTablet: newConnection(customer, tablet, listening),
        silentOnPhone: newConnection(customer, phone, silent),
      };
      for (const connection of Object.values(made)) {
        assert.equal(await connections.record(connection), true);
        await insertGrantPayloads(db, connection.grantId);
      }
      return { customer, phone, laptop, tablet, listening, ...made };
    }

    async function assertEnded(connection: OidcConnection, at: number, reason: string): Promise<void> {
      assert.deepEqual(await connectionRow(db, connection.id), { ended_at: at, end_reason: reason, last_used_at: NOW });
      assert.equal(await connections.isGrantLive(connection.grantId), false);
      assert.equal(await payloadCount(db, connection.grantId), 0, "its grant's code and tokens are deleted");
    }

    async function assertLive(connection: OidcConnection): Promise<void> {
      assert.equal((await connectionRow(db, connection.id)).ended_at, null);
      assert.equal(await connections.isGrantLive(connection.grantId), true);
      assert.equal(await payloadCount(db, connection.grantId), 4);
    }

    it("end (a logout) ends that session's connections only and queues one logout per listening client, once", async () => {
      const s = await setup();
      const wakesBefore = wakes;
      await sessions.end(s.phone.idHash, NOW + 1000, "logged_out");
      await assertEnded(s.onPhone, NOW + 1000, "logged_out");
      await assertEnded(s.silentOnPhone, NOW + 1000, "logged_out");
      await assertLive(s.onLaptop);
      await assertLive(s.onTablet);
      assert.deepEqual(await queuedLogouts(db, s.customer.id), [[s.listening, s.customer.id, s.onPhone.sid]]);
      assert.equal(wakes, wakesBefore + 1, "the delivery worker is woken once it is committed");

      await sessions.end(s.phone.idHash, NOW + 2000, "idle_timeout");
      assert.equal((await queuedLogouts(db, s.customer.id)).length, 1, "ending again queues nothing new");
      assert.equal(wakes, wakesBefore + 1);
      assert.equal((await connectionRow(db, s.onPhone.id)).end_reason, "logged_out");
    });

    it("a logout of a session no client holds queues nothing and wakes nobody", async () => {
      const customer = await seedCustomer(handle);
      const session = newSession(customer);
      await sessions.create(session, newLogin(customer));
      const wakesBefore = wakes;
      await sessions.end(session.idHash, NOW + 1000, "logged_out");
      assert.equal(await sessions.find(session.idHash), null);
      assert.deepEqual(await queuedLogouts(db, customer.id), []);
      assert.equal(wakes, wakesBefore);
    });

    it("endAllForCustomer ended_by_operator ends the connections of the sessions it ended, not one left live by a session ended before", async () => {
      const s = await setup();
      await sessions.end(s.tablet.idHash, NOW + 500, "logged_out");
      // A connection left live by a session that ended before (written outside the store): not this end's.
      const leftOver = newConnection(s.customer, s.tablet, s.listening);
      await db
        .insertInto("oidc_connections")
        .values({ id: leftOver.id, customer_id: s.customer.id, client_id: s.listening, grant_id: leftOver.grantId, sid: leftOver.sid, session_id_hash: s.tablet.idHash, created_at: NOW, last_used_at: NOW, ended_at: null, end_reason: null })
        .execute();
      await insertGrantPayloads(db, leftOver.grantId);

      assert.equal(await sessions.endAllForCustomer(s.customer.id, NOW + 1000, "ended_by_operator"), 2);
      await assertEnded(s.onPhone, NOW + 1000, "ended_by_operator");
      await assertEnded(s.silentOnPhone, NOW + 1000, "ended_by_operator");
      await assertEnded(s.onLaptop, NOW + 1000, "ended_by_operator");
      await assertLive(leftOver);
      assert.deepEqual(
        await queuedLogouts(db, s.customer.id),
        sortedLogouts([
          [s.listening, s.customer.id, s.onPhone.sid],
          [s.listening, s.customer.id, s.onLaptop.sid],
          [s.listening, s.customer.id, s.onTablet.sid],
        ]),
      );

      // Then a lock ends every live connection of the customer, that one too.
      assert.equal(await sessions.endAllForCustomer(s.customer.id, NOW + 2000, "account_locked"), 0);
      await assertEnded(leftOver, NOW + 2000, "account_locked");
      assert.equal((await queuedLogouts(db, s.customer.id)).length, 4);
    });

    it("endAllForCustomer ended_by_customer with except (end-others) keeps the current session's connections", async () => {
      const s = await setup();
      assert.equal(await sessions.endAllForCustomer(s.customer.id, NOW + 1000, "ended_by_customer", { except: s.phone.idHash }), 2);
      await assertLive(s.onPhone);
      await assertLive(s.silentOnPhone);
      await assertEnded(s.onLaptop, NOW + 1000, "ended_by_customer");
      await assertEnded(s.onTablet, NOW + 1000, "ended_by_customer");
      assert.deepEqual(await queuedLogouts(db, s.customer.id), sortedLogouts([[s.listening, s.customer.id, s.onLaptop.sid], [s.listening, s.customer.id, s.onTablet.sid]]));
    });

    it("account_locked ends every session and every connection, once", async () => {
      const s = await setup();
      assert.equal(await sessions.endAllForCustomer(s.customer.id, NOW + 1000, "account_locked"), 3);
      for (const connection of [s.onPhone, s.onLaptop, s.onTablet, s.silentOnPhone]) {
        await assertEnded(connection, NOW + 1000, "account_locked");
      }
      assert.equal((await queuedLogouts(db, s.customer.id)).length, 3);
      assert.equal(await sessions.endAllForCustomer(s.customer.id, NOW + 2000, "account_frozen"), 0);
      assert.equal((await queuedLogouts(db, s.customer.id)).length, 3, "a freeze after the lock queues nothing new");
      assert.deepEqual(await connections.listServices(s.customer.id), []);
    });

    it("password_changed with except keeps the session but ends every connection of the customer, the current session's too", async () => {
      const s = await setup();
      assert.equal(await sessions.endAllForCustomer(s.customer.id, NOW + 1000, "password_changed", { except: s.phone.idHash }), 2);
      assert.notEqual(await sessions.find(s.phone.idHash), null, "the session the password was changed from stays");
      for (const connection of [s.onPhone, s.onLaptop, s.onTablet, s.silentOnPhone]) {
        await assertEnded(connection, NOW + 1000, "password_changed");
      }
      assert.equal((await queuedLogouts(db, s.customer.id)).length, 3);
      // A new authorization through the session kept is a new connection.
      const fresh = newConnection(s.customer, s.phone, s.listening, { createdAt: NOW + 5000, lastUsedAt: NOW + 5000 });
      assert.equal(await connections.record(fresh), true);
      assert.deepEqual(await connections.listServices(s.customer.id), [{ clientId: s.listening, clientName: `サービス ${s.listening}`, since: NOW + 5000, lastUsedAt: NOW + 5000 }]);
    });

    it("another customer's connections are untouched by a lock", async () => {
      const s = await setup();
      const other = await setup();
      await sessions.endAllForCustomer(s.customer.id, NOW + 1000, "account_locked");
      for (const connection of [other.onPhone, other.onLaptop, other.onTablet, other.silentOnPhone]) {
        await assertLive(connection);
      }
      assert.deepEqual(await queuedLogouts(db, other.customer.id), []);
    });

    it("a grant reused through a second session keeps its tokens until its last connection ends", async () => {
      const s = await setup();
      const shared = { ...s.onLaptop, id: "shared-through-tablet", sessionIdHash: s.tablet.idHash, sid: `${s.onLaptop.sid}-tablet` };
      assert.equal(await connections.record(shared), true);
      await sessions.end(s.laptop.idHash, NOW + 1000, "logged_out");
      assert.equal(await connections.isGrantLive(s.onLaptop.grantId), true);
      assert.equal(await payloadCount(db, s.onLaptop.grantId), 4);
      await sessions.end(s.tablet.idHash, NOW + 2000, "logged_out");
      assert.equal(await connections.isGrantLive(s.onLaptop.grantId), false);
      assert.equal(await payloadCount(db, s.onLaptop.grantId), 0);
    });

    it("bound to a caller's transaction (AtomicStores), the end commits or rolls back with it, and waits for its commit to wake", async () => {
      const s = await setup();
      const wakesBefore = wakes;
      // What the caller is told inside its transaction, to wake the worker once it has committed (mail-outbox.ts).
      let told = 0;
      const hooks = { onLogoutQueued: () => (wakes += 1), onLogoutQueuedInTransaction: () => (told += 1) };
      await assert.rejects(
        db.transaction().execute(async (trx) => {
          await createSessionStore(trx, hooks).endAllForCustomer(s.customer.id, NOW + 1000, "account_frozen");
          throw new Error("the change around it failed");
        }),
        /the change around it failed/u,
      );
      for (const connection of [s.onPhone, s.onLaptop, s.onTablet, s.silentOnPhone]) {
        await assertLive(connection);
      }
      assert.deepEqual(await queuedLogouts(db, s.customer.id), []);
      assert.notEqual(await sessions.find(s.phone.idHash), null);

      await db.transaction().execute(async (trx) => {
        await createSessionStore(trx, hooks).end(s.phone.idHash, NOW + 1000, "logged_out");
      });
      await assertEnded(s.onPhone, NOW + 1000, "logged_out");
      assert.deepEqual(await queuedLogouts(db, s.customer.id), [[s.listening, s.customer.id, s.onPhone.sid]]);
      assert.equal(wakes, wakesBefore, "inside a caller's transaction, no wake before the commit");
      assert.equal(told, 2, "the caller is told of each, and wakes the worker only if it commits");
    });

    it("a lock and a freeze at the same moment end each connection once and queue each logout once", async () => {
      const s = await setup();
      const [locked, frozen] = await Promise.all([
        sessions.endAllForCustomer(s.customer.id, NOW + 1000, "account_locked"),
        sessions.endAllForCustomer(s.customer.id, NOW + 1000, "account_frozen"),
      ]);
      assert.equal(locked + frozen, 3);
      assert.equal((await queuedLogouts(db, s.customer.id)).length, 3);
      const reasons = await db.selectFrom("oidc_connections").select("end_reason").where("customer_id", "=", s.customer.id).execute();
      assert.equal(reasons.length, 4);
      assert.ok(reasons.every((row) => row.end_reason === "account_locked" || row.end_reason === "account_frozen"));
    });
  });
}
