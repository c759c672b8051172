import { after, afterEach, before, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { pino } from "pino";
import type { Kysely } from "kysely";
import type { Database } from "../../src/adapters/db/schema.ts";
import type { Clock, Customer, SessionStore } from "../../src/core/kernel/ports.ts";
import { systemClock } from "../../src/adapters/crypto/node-random.ts";
import { createOidcConnectionStore } from "../../src/adapters/db/stores/oidc-connection-store.ts";
import { createOidcLogoutDeliveryStore } from "../../src/adapters/db/stores/oidc-logout-delivery-store.ts";
import { createSessionStore } from "../../src/adapters/db/stores/session-store.ts";
import { createMailOutbox } from "../../src/adapters/db/mail-outbox.ts";
import { DEFAULT_LOGOUT_DELIVERY_SETTINGS, LogoutDeliveryWorker } from "../../src/adapters/oidc/logout-delivery-worker.ts";
import type { DeliverLogout, LogoutDeliverySettings } from "../../src/adapters/oidc/logout-delivery-worker.ts";
import { DB_BACKENDS, seedCustomer, testSealer } from "../support/db-backends.ts";
import type { OpenedDatabase } from "../support/db-backends.ts";
import { ManualClock } from "../support/manual-clock.ts";
import { until } from "../support/outbox-instance.ts";
import { NOW, newLogin, newSession } from "../support/rows.ts";
import { insertClient, newConnection } from "../support/oidc-rows.ts";
import { BackChannelEndpoint } from "../support/backchannel-endpoint.ts";

// Issue 20 item 6: a client with a back-channel URI hears of a session's end within 10 s, retried
// durably with backoff while it is down, across a restart, and exactly once with several instances.
// The client is a real HTTP server on loopback; `deliver` POSTs to it as oidc-provider would (the
// real one signs a logout_token; here the form carries the sub and sid in the clear).

/** POSTs to the client's registered back-channel URI; a status other than 200 is a failure to retry. */
function deliverOverHttp(db: Kysely<Database>): DeliverLogout {
  return async (delivery) => {
    const client = await db.selectFrom("oidc_clients").select("backchannel_logout_uri").where("client_id", "=", delivery.clientId).executeTakeFirstOrThrow();
    const response = await fetch(client.backchannel_logout_uri ?? "", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ logout_token: `${delivery.sub} ${delivery.sid}` }),
    });
    await response.arrayBuffer();
    if (response.status !== 200) {
      throw new Error(`back-channel logout answered ${response.status}`);
    }
  };
}

for (const backend of DB_BACKENDS) {
  describe(`back-channel logouts are delivered durably (${backend.name})`, () => {
    let opened: OpenedDatabase;
    let db: Kysely<Database>;
    let endpoint: BackChannelEndpoint;
    let clientId: string;
    let sessions: SessionStore;
    let clock: ManualClock;
    const logLines: string[] = [];
    const workers: LogoutDeliveryWorker[] = [];

    before(async () => {
      opened = await backend.open();
      db = opened.handle.db;
    });
    after(async () => {
      await opened.close();
    });
    beforeEach(async () => {
      // Each test starts with nothing due: what an earlier one may have left is set aside.
      await db.updateTable("oidc_logout_deliveries").set({ given_up_at: 0 }).where("delivered_at", "is", null).where("given_up_at", "is", null).execute();
      endpoint = new BackChannelEndpoint();
      clientId = await insertClient(db, { backchannelLogoutUri: await endpoint.listen() });
      sessions = createSessionStore(db);
      clock = new ManualClock(NOW);
      logLines.length = 0;
    });
    afterEach(async () => {
      for (const worker of workers.splice(0)) {
        await worker.stop();
      }
      await endpoint.close();
    });

    function worker(options: { clock?: Clock; settings?: Partial<LogoutDeliverySettings> } = {}): LogoutDeliveryWorker {
      const made = new LogoutDeliveryWorker({
        // Another instance's own handle on the table.
        store: createOidcLogoutDeliveryStore(db, opened.handle.dialect),
        deliver: deliverOverHttp(db),
        clock: options.clock ?? clock,
        logger: pino({ level: "info" }, { write: (line: string) => logLines.push(line) }),
        settings: { ...DEFAULT_LOGOUT_DELIVERY_SETTINGS, ...options.settings },
      });
      workers.push(made);
      return made;
    }

    /** A customer with `count` sessions, each connected to the client, all ended by a lock at `at`: `count` logouts queued. */
    async function lockedCustomerWith(count: number, at = clock.now()): Promise<{ customer: Customer; sids: string[] }> {
      const customer = await seedCustomer(opened.handle);
      const connections = createOidcConnectionStore(db);
      const sids: string[] = [];
      for (let i = 0; i < count; i += 1) {
        const session = newSession(customer);
        await sessions.create(session, newLogin(customer));
        const connection = newConnection(customer, session, clientId);
        await connections.record(connection);
        sids.push(connection.sid);
      }
      await sessions.endAllForCustomer(customer.id, at, "account_locked");
      return { customer, sids: sids.sort() };
    }

    function deliveryRow(sid: string): Promise<{ attempts: number; next_attempt_at: number; delivered_at: number | null; given_up_at: number | null; claimed_until: number | null; last_error: string | null }> {
      return db
        .selectFrom("oidc_logout_deliveries")
        .select(["attempts", "next_attempt_at", "delivered_at", "given_up_at", "claimed_until", "last_error"])
        .where("sid", "=", sid)
        .executeTakeFirstOrThrow();
    }

    it("delivers a session's logout to the client once", async () => {
      const { customer, sids } = await lockedCustomerWith(1);
      const one = worker();
      assert.equal(await one.runOnce(), 1);
      assert.deepEqual(endpoint.sidsFor(customer.id), sids);
      const row = await deliveryRow(sids[0] ?? "");
      assert.equal(row.delivered_at, NOW);
      assert.equal(row.attempts, 1);
      assert.equal(row.claimed_until, null);
      clock.advance(3_600_000);
      assert.equal(await one.runOnce(), 0);
      assert.deepEqual(endpoint.sidsFor(customer.id), sids, "never sent again");
    });

    it("woken by the session's end, it delivers at once, long before its next poll", async () => {
      const one = worker({ clock: systemClock });
      one.start();
      const customer = await seedCustomer(opened.handle);
      const session = newSession(customer);
      const woken = createSessionStore(db, { onLogoutQueued: () => one.notify() });
      await woken.create(session, newLogin(customer));
      const connection = newConnection(customer, session, clientId);
      await createOidcConnectionStore(db).record(connection);
      // The worker's first look (at start) is over: only the wake can find this one before the next poll.
      await new Promise((resolve) => setTimeout(resolve, 50));
      const endedAt = Date.now();
      await woken.end(session.idHash, endedAt, "logged_out");
      await until(() => endpoint.sidsFor(customer.id).length === 1, "the logout at the client", 1000);
      assert.deepEqual(endpoint.sidsFor(customer.id), [connection.sid]);
      assert.ok(Date.now() - endedAt < DEFAULT_LOGOUT_DELIVERY_SETTINGS.pollIntervalMs);
    });

    it("ended in a change with its notice (queueWith), it wakes the worker once that change commits, long before its poll", async () => {
      const one = worker({ clock: systemClock, settings: { pollIntervalMs: 60_000 } });
      one.start();
      let woken = 0;
      const outbox = createMailOutbox(db, testSealer(), () => {}, {
        onLogoutQueued: () => {
          woken += 1;
          one.notify();
        },
      });
      const customer = await seedCustomer(opened.handle);
      const session = newSession(customer);
      await sessions.create(session, newLogin(customer));
      const connection = newConnection(customer, session, clientId);
      await createOidcConnectionStore(db).record(connection);
      const notice = { id: randomUUID(), recipient: customer.email, subject: "お知らせ", body: "本文", createdAt: Date.now() };
      // A change that declines (rolls back) queues nothing and wakes nobody.
      assert.equal(await outbox.queueWith(notice, async (stores) => (await stores.sessions.endAllForCustomer(customer.id, Date.now(), "account_locked")) < 0), false);
      assert.equal(woken, 0);
      const endedAt = Date.now();
      assert.equal(await outbox.queueWith(notice, async (stores) => (await stores.sessions.endAllForCustomer(customer.id, endedAt, "account_locked")) === 1), true);
      assert.equal(woken, 1);
      await until(() => endpoint.sidsFor(customer.id).length === 1, "the logout at the client", 2000);
      assert.deepEqual(endpoint.sidsFor(customer.id), [connection.sid]);
    });

    it("the store names the next retry or lease end still to come, so the worker sleeps until then (issue 23)", async () => {
      const store = createOidcLogoutDeliveryStore(db, opened.handle.dialect);
      assert.equal(await store.nextDueAfter(NOW), null, "nothing queued");
      await lockedCustomerWith(2);
      assert.equal(await store.nextDueAfter(NOW), null, "due now is the claim's, not a time to wait for");
      const claimed = await store.claim(NOW, 15_000, 10);
      assert.equal(claimed.length, 2);
      const [retried, held] = claimed;
      await store.markFailed(retried?.id ?? "", NOW + 5_000, "503");
      assert.equal(await store.nextDueAfter(NOW), NOW + 5_000, "the retry first");
      assert.equal(await store.nextDueAfter(NOW + 5_000), NOW + 15_000, "then the other's lease end");
      await store.markDelivered(held?.id ?? "", NOW + 1_000);
      await store.giveUp(retried?.id ?? "", NOW + 1_000, "503");
      assert.equal(await store.nextDueAfter(NOW), null, "delivered and given up are never due");
    });

    it("a delivery the client refused is tried again at the end of its backoff, with no poll to find it (issue 23)", async () => {
      endpoint.answers = [503];
      const one = worker({ clock: systemClock, settings: { pollIntervalMs: 60_000 } });
      one.start();
      const { customer, sids } = await lockedCustomerWith(1, Date.now());
      one.notify();
      await until(async () => (await deliveryRow(sids[0] ?? "")).attempts === 1 && (await deliveryRow(sids[0] ?? "")).last_error !== null, "the refusal recorded");
      // Recorded just after the client answered.
      await until(async () => (await deliveryRow(sids[0] ?? "")).delivered_at !== null, "the retry delivered", 3000);
      assert.deepEqual(endpoint.sidsFor(customer.id), sids);
      const row = await deliveryRow(sids[0] ?? "");
      assert.equal(row.attempts, 2);
      const late = (row.delivered_at ?? 0) - row.next_attempt_at;
      assert.ok(late >= 0 && late < 450, `delivered ${late} ms after its retry was due`);
    });

    it("queued by another instance (no wake), it is delivered by the poll within 10 s", async () => {
      const one = worker({ clock: systemClock });
      one.start();
      const { customer, sids } = await lockedCustomerWith(1, Date.now());
      const queuedAt = Date.now();
      await until(() => endpoint.sidsFor(customer.id).length === 1, "the logout at the client", 10_000);
      assert.deepEqual(endpoint.sidsFor(customer.id), sids);
      assert.ok(Date.now() - queuedAt <= DEFAULT_LOGOUT_DELIVERY_SETTINGS.pollIntervalMs + 1000);
    });

    it("a client answering 503 is retried after 1 s, then 2 s, and gets the logout once it answers", async () => {
      const { customer, sids } = await lockedCustomerWith(1);
      const sid = sids[0] ?? "";
      endpoint.answers = [503, 503];
      const one = worker();
      assert.equal(await one.runOnce(), 1);
      let row = await deliveryRow(sid);
      assert.deepEqual([row.attempts, row.next_attempt_at, row.delivered_at, row.claimed_until], [1, NOW + 1000, null, null]);
      assert.match(row.last_error ?? "", /503/u);
      assert.equal(await one.runOnce(), 0, "not before its backoff");
      clock.advance(999);
      assert.equal(await one.runOnce(), 0);
      clock.advance(1);
      assert.equal(await one.runOnce(), 1);
      row = await deliveryRow(sid);
      assert.deepEqual([row.attempts, row.next_attempt_at, row.delivered_at], [2, NOW + 1000 + 2000, null]);
      clock.advance(2000);
      assert.equal(await one.runOnce(), 1);
      row = await deliveryRow(sid);
      assert.deepEqual([row.attempts, row.delivered_at, row.last_error], [3, NOW + 3000, null]);
      assert.deepEqual(endpoint.sidsFor(customer.id), sids, "received once, after two refusals");
    });

    it("backs off up to 5 minutes and gives up after 24 hours, with one warning that names no sub or sid", async () => {
      const { customer, sids } = await lockedCustomerWith(1);
      const sid = sids[0] ?? "";
      endpoint.answers = Array.from({ length: 1000 }, () => 503);
      const one = worker();
      /** One try, failing: how long until the next (null: given up). */
      const failOnce = async (): Promise<number | null> => {
        assert.equal(await one.runOnce(), 1);
        const row = await deliveryRow(sid);
        return row.given_up_at === null ? row.next_attempt_at - clock.now() : null;
      };
      const waits: number[] = [];
      for (let i = 0; i < 11; i += 1) {
        const wait = await failOnce();
        assert.notEqual(wait, null);
        waits.push(wait ?? 0);
        clock.advance(wait ?? 0);
      }
      assert.deepEqual(waits, [1000, 2000, 4000, 8000, 16_000, 32_000, 64_000, 128_000, 256_000, 300_000, 300_000]);
      // Still failing 6 minutes before the 24 hours are up: one more try, 5 minutes later.
      clock.advance(NOW + 24 * 3_600_000 - 6 * 60_000 - clock.now());
      assert.equal(await failOnce(), 300_000);
      clock.advance(300_000);
      // The next would come after the 24 hours: given up now.
      assert.equal(await failOnce(), null);
      assert.equal((await deliveryRow(sid)).given_up_at, NOW + 24 * 3_600_000 - 60_000);
      clock.advance(3_600_000);
      assert.equal(await one.runOnce(), 0, "given up is never tried again");
      assert.deepEqual(endpoint.sidsFor(customer.id), []);
      const warnings = logLines.map((line) => JSON.parse(line) as { level: number; msg: string }).filter((line) => line.level === 40);
      assert.equal(warnings.length, 1, logLines.slice(-3).join(""));
      assert.match(warnings[0]?.msg ?? "", /given up/u);
      const warning = logLines.find((line) => line.includes("given up")) ?? "";
      assert.ok(!warning.includes(sid) && !warning.includes(customer.id), warning);
      assert.ok(logLines.every((line) => !line.includes(sid)), "no log line names the sid");
    });

    it("after a restart, a new worker on the same database delivers what the stopped one left", async () => {
      const { customer, sids } = await lockedCustomerWith(3);
      endpoint.answers = [503, 503, 503];
      const first = worker();
      assert.equal(await first.runOnce(), 3);
      await first.stop();
      assert.deepEqual(endpoint.sidsFor(customer.id), []);

      clock.advance(1000);
      const next = worker({ settings: { pollIntervalMs: 50 } });
      next.start();
      await until(() => endpoint.sidsFor(customer.id).length === 3, "the three logouts at the client");
      assert.deepEqual(endpoint.sidsFor(customer.id).sort(), sids);
    });

    it("a delivery held by an instance killed mid-send goes out from another once its lease runs out", async () => {
      const { customer, sids } = await lockedCustomerWith(1);
      // The killed instance claimed it and never answered (its process is gone).
      const claimed = await createOidcLogoutDeliveryStore(db, opened.handle.dialect).claim(clock.now(), DEFAULT_LOGOUT_DELIVERY_SETTINGS.leaseMs, 10);
      assert.equal(claimed.length, 1);
      const other = worker();
      assert.equal(await other.runOnce(), 0, "not while the lease holds");
      clock.advance(DEFAULT_LOGOUT_DELIVERY_SETTINGS.leaseMs);
      assert.equal(await other.runOnce(), 1);
      assert.deepEqual(endpoint.sidsFor(customer.id), sids);
      assert.equal((await deliveryRow(sids[0] ?? "")).attempts, 2);
    });

    it("two workers at once deliver each logout exactly once", async () => {
      const { customer, sids } = await lockedCustomerWith(24);
      endpoint.delayMs = 10;
      const settings = { maxInFlight: 4, pollIntervalMs: 20 };
      const [a, b] = [worker({ clock: systemClock, settings }), worker({ clock: systemClock, settings })];
      a.start();
      b.start();
      await until(() => endpoint.sidsFor(customer.id).length >= 24, "24 logouts at the client");
      // Give a doubled send, if there were one, time to arrive.
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.deepEqual(endpoint.sidsFor(customer.id).sort(), sids);
      const [tried] = await Promise.all([a.runOnce(), b.runOnce()]);
      assert.equal(tried, 0);
    });

    it("two workers' runs side by side split the due logouts between them", async () => {
      const { customer, sids } = await lockedCustomerWith(12);
      const settings = { maxInFlight: 3 };
      const [a, b] = [worker({ settings }), worker({ settings })];
      const [byA, byB] = await Promise.all([a.runOnce(), b.runOnce()]);
      assert.equal(byA + byB, 12);
      assert.deepEqual(endpoint.sidsFor(customer.id).sort(), sids);
    });
  });
}
