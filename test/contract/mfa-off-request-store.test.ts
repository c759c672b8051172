import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import type { Customer, MfaOffRequestStore, NewMfaOffRequest, OperatorStore } from "../../src/core/ports.ts";
import type { DatabaseHandle } from "../../src/adapters/db/connect.ts";
import { createMfaOffRequestStore } from "../../src/adapters/db/mfa-off-request-store.ts";
import { createOperatorStore } from "../../src/adapters/db/operator-store.ts";
import { createBodySealer } from "../../src/adapters/crypto/body-sealer.ts";
import { deriveKey } from "../../src/adapters/crypto/derive-key.ts";
import { DB_BACKENDS, seedCustomer } from "../support/db-backends.ts";
import { NOW } from "../support/rows.ts";

const DAY = 24 * 60 * 60 * 1000;

for (const backend of DB_BACKENDS) {
  describe(`MFA-off request store contract (${backend.name})`, () => {
    let handle: DatabaseHandle;
    let store: MfaOffRequestStore;
    let operators: OperatorStore;
    let close: () => Promise<void>;
    before(async () => {
      const opened = await backend.open();
      handle = opened.handle;
      store = createMfaOffRequestStore(handle.db);
      operators = createOperatorStore(handle.db, createBodySealer(deriveKey("contract-test-secret-0123456789abcdef", "operator-totp")));
      close = opened.close;
    });
    after(() => close());

    async function seedOperator(): Promise<{ id: string; loginId: string }> {
      const id = randomUUID();
      const loginId = `op-${id.slice(0, 8)}`;
      await operators.create({ id, loginId, name: "佐藤 花子", role: "agent", passwordHash: "$argon2id$x", totpSecret: "JBSWY3DPEHPK3PXP", createdAt: NOW });
      return { id, loginId };
    }

    function newRequest(customer: Customer, requestedBy: string, createdAt = NOW): NewMfaOffRequest {
      return { id: randomUUID(), customerId: customer.id, requestedBy, reason: "ご本人から電話で依頼", createdAt, expiresAt: createdAt + DAY };
    }

    it("create stores a pending request (every field back, times as numbers); a second one for the customer is refused", async () => {
      const customer = await seedCustomer(handle);
      const agent = await seedOperator();
      const first = newRequest(customer, agent.id);
      assert.equal(await store.create(first), true);
      assert.deepEqual(await store.findById(first.id), { ...first, state: "pending", decidedBy: null, decidedAt: null, decisionReason: null });
      const second = newRequest(customer, agent.id, NOW + 1000);
      assert.equal(await store.create(second), false);
      assert.equal(await store.findById(second.id), null, "nothing written");
      assert.equal(await store.findById("no-such-request"), null);
    });

    it("a request past its 24 hours no longer blocks a new one and is then marked expired", async () => {
      const customer = await seedCustomer(handle);
      const agent = await seedOperator();
      const old = newRequest(customer, agent.id);
      await store.create(old);
      const next = newRequest(customer, agent.id, NOW + DAY);
      assert.equal(await store.create(next), true);
      assert.equal((await store.findById(old.id))?.state, "expired");
      assert.equal((await store.findById(next.id))?.state, "pending");
    });

    it("two requests for one customer at the same moment: one is stored", async () => {
      const customer = await seedCustomer(handle);
      const agent = await seedOperator();
      const results = await Promise.all([store.create(newRequest(customer, agent.id)), store.create(newRequest(customer, agent.id))]);
      assert.deepEqual(results.sort(), [false, true]);
    });

    it("decide moves a pending request once; not an expired one; of two racing deciders one wins", async () => {
      const customer = await seedCustomer(handle);
      const agent = await seedOperator();
      const supervisor = await seedOperator();
      const request = newRequest(customer, agent.id);
      await store.create(request);
      assert.equal(await store.decide(request.id, { state: "approved", by: supervisor.id, at: request.expiresAt, reason: "late" }), false, "expired at expiresAt");
      const race = await Promise.all([
        store.decide(request.id, { state: "approved", by: supervisor.id, at: NOW + 1, reason: "確認済み" }),
        store.decide(request.id, { state: "rejected", by: supervisor.id, at: NOW + 1, reason: "不審" }),
      ]);
      assert.deepEqual(race.sort(), [false, true]);
      const decided = await store.findById(request.id);
      assert.notEqual(decided?.state, "pending");
      assert.equal(decided?.decidedBy, supervisor.id);
      assert.equal(decided?.decidedAt, NOW + 1);
      assert.equal(await store.decide(request.id, { state: "approved", by: supervisor.id, at: NOW + 2, reason: "again" }), false);
      assert.equal(await store.decide("no-such-request", { state: "approved", by: supervisor.id, at: NOW, reason: "x" }), false);
    });

    it("findPendingForCustomer: the customer's unexpired pending request, with who asked; null once expired, decided, or for another customer", async () => {
      const agent = await seedOperator();
      const supervisor = await seedOperator();
      const [customer, other, decided] = [await seedCustomer(handle), await seedCustomer(handle), await seedCustomer(handle)];
      assert.equal(await store.findPendingForCustomer(customer.id, NOW), null);
      const request = newRequest(customer, agent.id);
      await store.create(request);
      const decidedRequest = newRequest(decided, agent.id);
      await store.create(decidedRequest);
      await store.decide(decidedRequest.id, { state: "rejected", by: supervisor.id, at: NOW + 1, reason: "不審" });
      const found = await store.findPendingForCustomer(customer.id, NOW + 1);
      assert.deepEqual(found && { id: found.id, loginId: found.loginId, customerName: found.customerName, requestedByLoginId: found.requestedByLoginId, state: found.state, createdAt: found.createdAt }, {
        id: request.id,
        loginId: customer.loginId,
        customerName: customer.name,
        requestedByLoginId: agent.loginId,
        state: "pending",
        createdAt: NOW,
      });
      assert.equal(await store.findPendingForCustomer(customer.id, request.expiresAt), null, "expired at expiresAt");
      assert.equal(await store.findPendingForCustomer(other.id, NOW + 1), null);
      assert.equal(await store.findPendingForCustomer(decided.id, NOW + 1), null, "a decided request is not pending");
    });

    it("list: pending shows only unexpired ones, with the customer and the requester's login ID; expired and decided by state", async () => {
      const agent = await seedOperator();
      const supervisor = await seedOperator();
      const at = NOW + 10 * DAY;
      const [live, stale, approved] = [await seedCustomer(handle), await seedCustomer(handle), await seedCustomer(handle)];
      const liveRequest = newRequest(live, agent.id, at);
      const staleRequest = newRequest(stale, agent.id, at - DAY - 1);
      const approvedRequest = newRequest(approved, agent.id, at);
      for (const request of [liveRequest, staleRequest, approvedRequest]) {
        await store.create(request);
      }
      await store.decide(approvedRequest.id, { state: "approved", by: supervisor.id, at, reason: "ok" });
      const ids = async (state: "pending" | "approved" | "rejected" | "expired"): Promise<string[]> => (await store.list({ state, now: at, limit: 100 })).map((item) => item.id);
      const pending = await store.list({ state: "pending", now: at, limit: 100 });
      const mine = pending.find((item) => item.id === liveRequest.id);
      assert.deepEqual(mine && { loginId: mine.loginId, customerName: mine.customerName, requestedByLoginId: mine.requestedByLoginId, state: mine.state }, {
        loginId: live.loginId,
        customerName: live.name,
        requestedByLoginId: agent.loginId,
        state: "pending",
      });
      assert.ok(!(await ids("pending")).includes(staleRequest.id), "an expired request is not pending");
      assert.ok((await ids("expired")).includes(staleRequest.id));
      assert.equal((await store.list({ state: "expired", now: at, limit: 100 })).find((item) => item.id === staleRequest.id)?.state, "expired");
      assert.ok((await ids("approved")).includes(approvedRequest.id));
      assert.ok(!(await ids("approved")).includes(liveRequest.id));
      assert.ok(!(await ids("rejected")).includes(approvedRequest.id));
    });
  });
}
