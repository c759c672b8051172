import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import type { AuditEvent } from "../../src/core/kernel/ports-audit.ts";
import { createAuditStore } from "../../src/adapters/db/audit-store.ts";
import { nodeRandom } from "../../src/adapters/crypto/node-random.ts";
import { DB_BACKENDS } from "../support/db-backends.ts";
import { ManualClock } from "../support/manual-clock.ts";

function newEvent(customerId: string | null, overrides: Partial<AuditEvent> = {}): AuditEvent {
  return {
    event: "password.failed",
    outcome: "refused",
    customerId,
    actor: "customer",
    ip: "192.0.2.55",
    userAgent: "contract-test",
    requestId: randomUUID(),
    detail: {},
    ...overrides,
  };
}

for (const backend of DB_BACKENDS) {
  describe(`audit store contract (${backend.name})`, () => {
    const clock = new ManualClock();
    let audit: ReturnType<typeof createAuditStore>;
    let close: () => Promise<void>;
    before(async () => {
      const opened = await backend.open();
      audit = createAuditStore(opened.handle.db, clock, nodeRandom);
      close = opened.close;
    });
    after(async () => {
      await close();
    });

    it("record and forCustomer round-trip every field, detail JSON included, with the time as a number", async () => {
      // Customer IDs are not foreign keys here: the log outlives whatever it describes.
      const customerId = randomUUID();
      const event = newEvent(customerId, {
        event: "account.locked",
        outcome: "info",
        actor: "operator-17",
        detail: { failedCount: 10, reason: "wrong_code", viaApi: false, challengeId: null, note: "日本語も" },
      });
      const at = clock.now();
      await audit.record(event);
      const stored = await audit.forCustomer(customerId);
      assert.equal(stored.length, 1);
      const [first] = stored;
      assert.equal(typeof first?.id, "string");
      assert.equal(first?.at, at);
      assert.equal(typeof first?.at, "number");
      assert.deepEqual({ ...first, id: undefined, at: undefined }, { ...event, id: undefined, at: undefined });
    });

    it("forCustomer lists only that customer's events, oldest first", async () => {
      const customerId = randomUUID();
      const otherId = randomUUID();
      const names: AuditEvent["event"][] = ["password.ok", "code.sent", "code.failed", "code.used", "session.created"];
      for (const name of names) {
        clock.advance(1_000);
        await audit.record(newEvent(customerId, { event: name, outcome: "ok" }));
        await audit.record(newEvent(otherId));
        await audit.record(newEvent(null, { event: "rate_limited", actor: "system" }));
      }
      const stored = await audit.forCustomer(customerId);
      assert.deepEqual(
        stored.map((event) => event.event),
        names,
      );
      assert.ok(stored.every((event, i) => i === 0 || event.at > (stored[i - 1]?.at ?? Infinity)));
      assert.equal((await audit.forCustomer(otherId)).length, names.length);
      assert.deepEqual(await audit.forCustomer(randomUUID()), []);
    });
  
    it("recentEvents: that customer's events of the kinds asked, from `since` on, newest first, paged by (at, id)", async () => {
      const customerId = randomUUID();
      const start = clock.now();
      const times: number[] = [];
      for (let i = 0; i < 5; i += 1) {
        clock.advance(1000);
        times.push(clock.now());
        await audit.record(newEvent(customerId, { event: i === 2 ? "password.ok" : "password.failed" }));
      }
      await audit.record(newEvent(randomUUID()));
      const kinds = ["password.failed"] as const;
      const all = await audit.recentEvents(customerId, { kinds, since: start, before: null, limit: 10 });
      assert.deepEqual(all.map((event) => event.at), [times[4], times[3], times[1], times[0]]);
      const page = await audit.recentEvents(customerId, { kinds, since: start, before: { at: all[1]!.at, id: all[1]!.id }, limit: 10 });
      assert.deepEqual(page.map((event) => event.at), [times[1], times[0]]);
      const recent = await audit.recentEvents(customerId, { kinds, since: times[3]!, before: null, limit: 10 });
      assert.deepEqual(recent.map((event) => event.at), [times[4], times[3]]);
      assert.equal((await audit.recentEvents(customerId, { kinds, since: start, before: null, limit: 1 })).length, 1);
    });

    it("wrongPasswordsAfter: how many of the customer's password.failed came after a time, and when the last did", async () => {
      const customerId = randomUUID();
      assert.deepEqual(await audit.wrongPasswordsAfter(customerId, 0), { count: 0, lastAt: null });
      const times: number[] = [];
      for (const event of ["password.failed", "code.failed", "password.failed", "password.ok", "password.failed"] as const) {
        clock.advance(1000);
        times.push(clock.now());
        await audit.record(newEvent(customerId, { event }));
      }
      await audit.record(newEvent(randomUUID()));
      assert.deepEqual(await audit.wrongPasswordsAfter(customerId, 0), { count: 3, lastAt: times[4] });
      assert.deepEqual(await audit.wrongPasswordsAfter(customerId, times[0]!), { count: 2, lastAt: times[4] }, "strictly after");
      assert.deepEqual(await audit.wrongPasswordsAfter(customerId, times[4]!), { count: 0, lastAt: null });
    });
  });
}
