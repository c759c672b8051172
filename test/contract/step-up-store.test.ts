import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import type { Customer } from "../../src/core/kernel/ports.ts";
import type { StepUpCode, StepUpStore } from "../../src/core/login/ports-account.ts";
import type { DatabaseHandle } from "../../src/adapters/db/connect.ts";
import { createStepUpStore } from "../../src/adapters/db/stores/step-up-store.ts";
import { createCustomerStore } from "../../src/adapters/db/stores/customer-store.ts";
import { DB_BACKENDS, seedCustomer } from "../support/db-backends.ts";

const NOW = Date.UTC(2026, 10, 25, 0, 30, 0);

function newStepUp(customer: Customer, overrides: Partial<StepUpCode> = {}): StepUpCode {
  return {
    id: randomUUID(),
    customerId: customer.id,
    purpose: "password_change",
    bindingHash: `binding-a-${customer.id}`,
    codeHmac: randomUUID().replaceAll("-", ""),
    status: "pending",
    failedAttempts: 0,
    sentAt: NOW,
    expiresAt: NOW + 600_000,
    ...overrides,
  };
}

for (const backend of DB_BACKENDS) {
  describe(`step-up code store contract (${backend.name})`, () => {
    let handle: DatabaseHandle;
    let store: StepUpStore;
    let close: () => Promise<void>;
    before(async () => {
      const opened = await backend.open();
      handle = opened.handle;
      store = createStepUpStore(handle.db);
      close = opened.close;
    });
    after(() => close());

    it("start supersedes the customer's pending code of the purpose; recentBound lists the pending one first, this binding only", async () => {
      const customer = await seedCustomer(handle);
      const first = newStepUp(customer);
      const second = newStepUp(customer);
      const otherSession = newStepUp(customer, { bindingHash: `binding-b-${customer.id}`, sentAt: NOW + 1 });
      assert.equal(await store.start(first), true);
      assert.equal(await store.start(second), true);
      const bound = await store.recentBound("password_change", `binding-a-${customer.id}`, 10);
      assert.deepEqual(bound.map((code) => [code.id, code.status]), [[second.id, "pending"], [first.id, "superseded"]]);
      assert.deepEqual(bound[0], second, "every field round-trips, times as numbers");
      await store.start(otherSession);
      assert.deepEqual((await store.recentBound("password_change", `binding-a-${customer.id}`, 10)).map((code) => code.status), ["superseded", "superseded"]);
      assert.deepEqual(await store.recentBound("password_change", `binding-c-${customer.id}`, 10), []);
    });

    it("start writes nothing for a locked customer, unless asked for a reset, and never for a frozen one", async () => {
      const customer = await seedCustomer(handle);
      await createCustomerStore(handle.db).recordFailure(customer.id, 1, NOW);
      assert.equal(await store.start(newStepUp(customer)), false);
      assert.equal(await store.start(newStepUp(customer), { evenIfLocked: true }), true, "a password reset lifts a lock, so its code may be sent");
      await createCustomerStore(handle.db).freeze(customer.id, NOW);
      assert.equal(await store.start(newStepUp(customer), { evenIfLocked: true }), false, "never for a frozen account");
      assert.equal((await store.recentBound("password_change", `binding-a-${customer.id}`, 10)).length, 1);
    });

    it("recordWrongCode burns at the limit; use succeeds once, even when ten race", async () => {
      const customer = await seedCustomer(handle);
      const burned = newStepUp(customer);
      await store.start(burned);
      assert.deepEqual(await store.recordWrongCode(burned.id, 2), { failedAttempts: 1, status: "pending" });
      assert.deepEqual(await store.recordWrongCode(burned.id, 2), { failedAttempts: 2, status: "burned" });
      assert.equal(await store.recordWrongCode(burned.id, 2), null);
      assert.equal(await store.use(burned.id), false, "a burned code cannot be used");
      const fresh = newStepUp(customer);
      await store.start(fresh);
      const results = await Promise.all(Array.from({ length: 10 }, () => store.use(fresh.id)));
      assert.equal(results.filter(Boolean).length, 1);
    });
  });
}
