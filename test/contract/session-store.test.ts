import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import type { LoginHistoryStore, SessionStore } from "../../src/core/kernel/ports.ts";
import type { DatabaseHandle } from "../../src/adapters/db/connect.ts";
import type { Database } from "../../src/adapters/db/schema.ts";
import { createLoginHistoryStore, createSessionStore } from "../../src/adapters/db/stores/session-store.ts";
import { DB_BACKENDS, seedCustomer } from "../support/db-backends.ts";
import { newLogin, newSession } from "../support/rows.ts";

const NOW = Date.UTC(2026, 10, 25, 0, 30, 0);


for (const backend of DB_BACKENDS) {
  describe(`session and login history store contract (${backend.name})`, () => {
    let handle: DatabaseHandle;
    let db: Kysely<Database>;
    let sessions: SessionStore;
    let history: LoginHistoryStore;
    let close: () => Promise<void>;
    before(async () => {
      const opened = await backend.open();
      handle = opened.handle;
      db = handle.db;
      sessions = createSessionStore(db);
      history = createLoginHistoryStore(db);
      close = opened.close;
    });
    after(async () => {
      await close();
    });

    it("create stores the session and its login record; find returns it with times as numbers", async () => {
      const customer = await seedCustomer(handle);
      const session = newSession(customer, { authMethods: ["pwd"] });
      const login = newLogin(customer, { authMethods: ["pwd"] });
      await sessions.create(session, login);
      const found = await sessions.find(session.idHash);
      assert.deepEqual(found, session);
      assert.equal(typeof found?.createdAt, "number");
      assert.equal(typeof found?.lastSeenAt, "number");
      assert.deepEqual(await history.recent(customer.id, 10), [login]);
    });

    it("create is one transaction: a failing login record leaves no session", async () => {
      const customer = await seedCustomer(handle);
      const login = newLogin(customer);
      await sessions.create(newSession(customer), login);
      const orphan = newSession(customer);
      await assert.rejects(sessions.create(orphan, newLogin(customer, { id: login.id })));
      assert.equal(await sessions.find(orphan.idHash), null);
      assert.equal((await history.recent(customer.id, 10)).length, 1);
    });

    it("find returns null for an unknown session", async () => {
      assert.equal(await sessions.find("no-such-session"), null);
    });

    it("touch moves lastSeenAt", async () => {
      const customer = await seedCustomer(handle);
      const session = newSession(customer);
      await sessions.create(session, newLogin(customer));
      await sessions.touch(session.idHash, NOW + 90_000);
      assert.equal((await sessions.find(session.idHash))?.lastSeenAt, NOW + 90_000);
    });

    it("an ended session is not found any more, and ending it again keeps the first end time", async () => {
      const customer = await seedCustomer(handle);
      const session = newSession(customer);
      const other = newSession(customer);
      await sessions.create(session, newLogin(customer));
      await sessions.create(other, newLogin(customer));
      await sessions.end(session.idHash, NOW + 1_000, "logged_out");
      assert.equal(await sessions.find(session.idHash), null);
      assert.notEqual(await sessions.find(other.idHash), null);
      await sessions.end(session.idHash, NOW + 2_000, "idle_timeout");
      const row = await db.selectFrom("sessions").select("ended_at").where("id_hash", "=", session.idHash).executeTakeFirstOrThrow();
      assert.equal(row.ended_at, NOW + 1_000);
      // Touching an ended session does not bring it back.
      await sessions.touch(session.idHash, NOW + 3_000);
      assert.equal(await sessions.find(session.idHash), null);
    });

    it("endAllForCustomer ends that customer's live sessions only, and counts them", async () => {
      const customer = await seedCustomer(handle);
      const other = await seedCustomer(handle);
      const live = [newSession(customer), newSession(customer)];
      const ended = newSession(customer);
      const others = newSession(other);
      for (const session of [...live, ended, others]) {
        await sessions.create(session, newLogin(session.customerId === customer.id ? customer : other));
      }
      await sessions.end(ended.idHash, NOW + 1_000, "logged_out");
      assert.equal(await sessions.endAllForCustomer(customer.id, NOW + 2_000, "account_locked"), 2);
      for (const session of [...live, ended]) {
        assert.equal(await sessions.find(session.idHash), null);
      }
      assert.notEqual(await sessions.find(others.idHash), null, "another customer's session lives on");
      const row = await db.selectFrom("sessions").select("ended_at").where("id_hash", "=", ended.idHash).executeTakeFirstOrThrow();
      assert.equal(row.ended_at, NOW + 1_000, "an ended session keeps its end time");
      assert.equal(await sessions.endAllForCustomer(customer.id, NOW + 3_000, "account_locked"), 0);
    });

    it("listOpen lists the customer's sessions not ended, newest first; endAllForCustomer can spare one", async () => {
      const customer = await seedCustomer(handle);
      const older = newSession(customer, { createdAt: NOW, lastSeenAt: NOW });
      const newer = newSession(customer, { createdAt: NOW + 5_000, lastSeenAt: NOW + 5_000 });
      const ended = newSession(customer, { createdAt: NOW + 9_000, lastSeenAt: NOW + 9_000 });
      for (const session of [older, newer, ended]) {
        await sessions.create(session, newLogin(customer));
      }
      await sessions.end(ended.idHash, NOW + 10_000, "logged_out");
      assert.deepEqual((await sessions.listOpen(customer.id)).map((session) => session.idHash), [newer.idHash, older.idHash]);
      assert.equal((await sessions.listOpen(customer.id))[0]?.createdAt, NOW + 5_000);
      assert.equal(await sessions.endAllForCustomer(customer.id, NOW + 11_000, "ended_by_customer", { except: newer.idHash }), 1);
      assert.deepEqual((await sessions.listOpen(customer.id)).map((session) => session.idHash), [newer.idHash]);
    });

    it("endReason: why an ended session ended (the first reason kept); null while it lives, for an unknown one, or a word outside the closed set", async () => {
      const customer = await seedCustomer(handle);
      const alone = newSession(customer);
      const spared = newSession(customer);
      const others = [newSession(customer), newSession(customer)];
      for (const session of [alone, spared, ...others]) {
        await sessions.create(session, newLogin(customer));
      }
      assert.equal(await sessions.endReason(alone.idHash), null, "still live");
      await sessions.end(alone.idHash, NOW + 1_000, "idle_timeout");
      await sessions.end(alone.idHash, NOW + 2_000, "logged_out");
      assert.equal(await sessions.endReason(alone.idHash), "idle_timeout");
      assert.equal(await sessions.endAllForCustomer(customer.id, NOW + 3_000, "password_changed", { except: spared.idHash }), 2);
      for (const session of others) {
        assert.equal(await sessions.endReason(session.idHash), "password_changed");
      }
      assert.equal(await sessions.endReason(alone.idHash), "idle_timeout", "an ended session keeps its reason");
      assert.equal(await sessions.endReason(spared.idHash), null, "the spared one lives");
      assert.equal(await sessions.endReason("no-such-session"), null);
      // A row ended before reasons were kept, or holding a word this version does not know.
      await db.updateTable("sessions").set({ end_reason: null }).where("id_hash", "=", others[0]!.idHash).execute();
      await db.updateTable("sessions").set({ end_reason: "<b>made up</b>" }).where("id_hash", "=", others[1]!.idHash).execute();
      assert.equal(await sessions.endReason(others[0]!.idHash), null);
      assert.equal(await sessions.endReason(others[1]!.idHash), null);
    });

    it("recent lists that customer's logins newest first, up to the limit", async () => {
      const customer = await seedCustomer(handle);
      const other = await seedCustomer(handle);
      const logins = [3, 1, 4, 2].map((minutes) => newLogin(customer, { at: NOW + minutes * 60_000, ip: `203.0.113.${minutes}` }));
      for (const login of logins) {
        await sessions.create(newSession(customer), login);
      }
      await sessions.create(newSession(other), newLogin(other, { at: NOW + 10 * 60_000 }));
      const recent = await history.recent(customer.id, 3);
      assert.deepEqual(
        recent.map((login) => login.ip),
        ["203.0.113.4", "203.0.113.3", "203.0.113.2"],
      );
      assert.equal(typeof recent[0]?.at, "number");
      assert.equal((await history.recent(customer.id, 10)).length, 4);
      assert.deepEqual(await history.recent(randomUUID(), 10), []);
    });
  });
}
