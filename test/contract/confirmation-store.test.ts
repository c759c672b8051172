import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import type { Customer } from "../../src/core/kernel/ports.ts";
import type { Confirmation, ConfirmationStore } from "../../src/core/confirmations/ports-confirmation.ts";
import type { StepUpCode } from "../../src/core/login/ports-account.ts";
import type { DatabaseHandle } from "../../src/adapters/db/connect.ts";
import { createConfirmationStore } from "../../src/adapters/db/stores/confirmation-store.ts";
import { createStepUpStore } from "../../src/adapters/db/stores/step-up-store.ts";
import { DB_BACKENDS, seedCustomer } from "../support/db-backends.ts";

const NOW = Date.UTC(2026, 10, 25, 0, 30, 0);

function newConfirmation(customer: Customer, overrides: Partial<Confirmation> = {}): Confirmation {
  return {
    id: randomUUID(),
    customerId: customer.id,
    type: "withdrawal",
    operation: '{"details":{"amount":30000},"type":"withdrawal"}',
    opSha256: "q2cM0pd3dEvKq4lN3K0rkGkUXmSmAXsUfNwt7nxfPmM",
    nonce: "bm9uY2Utbm9uY2Utbm9uY2Utbm9uY2Utbm9uY2UtMDE",
    required: ["pin", "code"],
    state: "pending",
    createdAt: NOW,
    expiresAt: NOW + 600_000,
    issuedAt: null,
    stepUpId: null,
    ...overrides,
  };
}

function stepUpFor(customer: Customer, confirmation: Confirmation): StepUpCode {
  return {
    id: randomUUID(),
    customerId: customer.id,
    purpose: "confirmation",
    bindingHash: `confirmation-${confirmation.id}`,
    codeHmac: "00",
    status: "pending",
    failedAttempts: 0,
    sentAt: NOW,
    expiresAt: confirmation.expiresAt,
  };
}

for (const backend of DB_BACKENDS) {
  describe(`confirmation store contract (${backend.name})`, () => {
    let handle: DatabaseHandle;
    let store: ConfirmationStore;
    let close: () => Promise<void>;
    before(async () => {
      const opened = await backend.open();
      handle = opened.handle;
      store = createConfirmationStore(handle.db);
      close = opened.close;
    });
    after(() => close());

    it("every field round-trips (times as numbers, the methods in order); an unknown ID is null", async () => {
      const customer = await seedCustomer(handle);
      const confirmation = newConfirmation(customer, { required: ["pin", "passkey"], type: "bank_account_change" });
      await store.create(confirmation);
      assert.deepEqual(await store.findById(confirmation.id), confirmation);
      assert.equal(await store.findById(randomUUID()), null);
    });

    it("issue: pending → issued once; not after its expiry; an issued one stays issued", async () => {
      const customer = await seedCustomer(handle);
      const confirmation = newConfirmation(customer, { required: ["pin"] });
      await store.create(confirmation);
      assert.equal(await store.issue(confirmation.id, confirmation.expiresAt), false, "expired at its expiry");
      assert.equal(await store.issue(confirmation.id, NOW + 1000), true);
      assert.equal(await store.issue(confirmation.id, NOW + 2000), false, "a second time");
      assert.deepEqual(await store.findById(confirmation.id), { ...confirmation, state: "issued", issuedAt: NOW + 1000 });
    });

    it("of ten requests issuing one confirmation at once, exactly one wins", async () => {
      const customer = await seedCustomer(handle);
      const confirmation = newConfirmation(customer, { required: ["pin"] });
      await store.create(confirmation);
      const results = await Promise.all(Array.from({ length: 10 }, () => createConfirmationStore(handle.db).issue(confirmation.id, NOW + 1000)));
      assert.equal(results.filter(Boolean).length, 1);
    });

    it("issue uses the confirmation's code in the same transaction; a code used or superseded meanwhile issues nothing", async () => {
      const customer = await seedCustomer(handle);
      const stepUps = createStepUpStore(handle.db);
      const first = newConfirmation(customer);
      const firstCode = stepUpFor(customer, first);
      assert.equal(await stepUps.start(firstCode), true);
      await store.create({ ...first, stepUpId: firstCode.id });
      assert.equal(await store.issue(first.id, NOW + 1000), true);
      assert.equal((await stepUps.recentBound("confirmation", firstCode.bindingHash, 1))[0]?.status, "used");

      const second = newConfirmation(customer);
      const secondCode = stepUpFor(customer, second);
      await stepUps.start(secondCode);
      await store.create({ ...second, stepUpId: secondCode.id });
      // A newer confirmation's code supersedes this one's: the confirmation can no longer be issued.
      const third = newConfirmation(customer);
      await stepUps.start(stepUpFor(customer, third));
      assert.equal(await store.issue(second.id, NOW + 1000), false);
      assert.equal((await store.findById(second.id))?.state, "pending", "rolled back: nothing written");
    });
  });
}
