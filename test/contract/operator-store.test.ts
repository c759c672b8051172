import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import type { NewOperatorRow, OperatorStore } from "../../src/core/console/operators/ports-operator.ts";
import type { Database } from "../../src/adapters/db/schema.ts";
import { InvalidInputError } from "../../src/core/kernel/errors.ts";
import { createOperatorStore } from "../../src/adapters/db/stores/operator-store.ts";
import { createBodySealer } from "../../src/adapters/crypto/body-sealer.ts";
import { deriveKey } from "../../src/adapters/crypto/derive-key.ts";
import { acceptOperatorTotp } from "../../src/core/console/operators/operator-totp.ts";
import { totpCode, totpStep } from "../../src/core/console/operators/totp.ts";
import { DB_BACKENDS } from "../support/db-backends.ts";

// Larger than 2^31, so an int4 column or a string-typed int8 would show.
const CREATED_AT = Date.UTC(2026, 0, 2, 3, 4, 5, 678);
const SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
const NOW = Date.UTC(2026, 10, 25, 0, 30, 10);

function newOperator(overrides: Partial<NewOperatorRow> = {}): NewOperatorRow {
  const suffix = randomUUID().slice(0, 8);
  return {
    id: randomUUID(),
    loginId: `op${suffix}`,
    name: "窓口 一郎",
    role: "agent",
    passwordHash: `$argon2id$hash-${suffix}`,
    totpSecret: SECRET,
    createdAt: CREATED_AT,
    ...overrides,
  };
}

for (const backend of DB_BACKENDS) {
  describe(`operator store contract (${backend.name})`, () => {
    let store: OperatorStore;
    let db: Kysely<Database>;
    let close: () => Promise<void>;
    before(async () => {
      const opened = await backend.open();
      db = opened.handle.db;
      store = createOperatorStore(db, createBodySealer(deriveKey("contract-test-secret-0123456789abcdef", "operator-totp")));
      close = opened.close;
    });
    after(async () => {
      await close();
    });

    it("finds a created operator by login ID and by ID, with times as numbers", async () => {
      const input = newOperator({ role: "supervisor" });
      const created = await store.create(input);
      assert.deepEqual(created, { ...input, totpLastStep: null, failedCount: 0, lockedAt: null, disabledAt: null });
      assert.deepEqual(await store.findByLoginId(input.loginId), created);
      assert.deepEqual(await store.findById(input.id), created);
      assert.equal(typeof (await store.findById(input.id))?.createdAt, "number");
    });

    it("finds a login ID whatever its case or width, and stores it normalised", async () => {
      const created = await store.create(newOperator({ loginId: "Suzuki.K" }));
      assert.equal(created.loginId, "suzuki.k");
      assert.equal((await store.findByLoginId("SUZUKI.K"))?.id, created.id);
      assert.equal((await store.findByLoginId("ｓｕｚｕｋｉ.ｋ "))?.id, created.id);
    });

    it("returns null for an unknown login ID or ID", async () => {
      assert.equal(await store.findByLoginId("nobody-here"), null);
      assert.equal(await store.findById(randomUUID()), null);
    });

    it("refuses a taken login ID in any case (InvalidInputError) and keeps the first", async () => {
      const first = await store.create(newOperator({ loginId: "tanaka.op" }));
      await assert.rejects(store.create(newOperator({ loginId: "TANAKA.op" })), InvalidInputError);
      assert.equal((await store.findByLoginId("tanaka.op"))?.id, first.id);
    });

    it("keeps the TOTP secret sealed at rest and opens it on read", async () => {
      const created = await store.create(newOperator());
      const row = await db.selectFrom("operators").select("totp_secret").where("id", "=", created.id).executeTakeFirstOrThrow();
      assert.ok(!row.totp_secret.includes(SECRET), "the column does not hold the secret");
      assert.equal((await store.findById(created.id))?.totpSecret, SECRET);
    });

    it("records a TOTP step only when it is newer than the last one", async () => {
      const created = await store.create(newOperator());
      assert.equal(await store.recordTotpStep(created.id, 100), true);
      assert.equal(await store.recordTotpStep(created.id, 100), false, "the same step again");
      assert.equal(await store.recordTotpStep(created.id, 99), false, "an older step");
      assert.equal(await store.recordTotpStep(created.id, 101), true);
      assert.equal((await store.findById(created.id))?.totpLastStep, 101);
    });

    it("lets one of racing requests with the same step win", async () => {
      const created = await store.create(newOperator());
      const results = await Promise.all(Array.from({ length: 8 }, () => store.recordTotpStep(created.id, 5000)));
      assert.equal(results.filter(Boolean).length, 1);
    });

    it("accepts an operator's code once: the replay, and a code from an earlier step after it, are refused", async () => {
      const operator = await store.create(newOperator());
      const code = totpCode(SECRET, NOW);
      assert.equal(await acceptOperatorTotp({ operators: store }, operator, code, NOW), true);
      assert.equal(await acceptOperatorTotp({ operators: store }, operator, code, NOW + 5_000), false, "the same code again");
      const previous = totpCode(SECRET, NOW - 30_000);
      assert.equal(await acceptOperatorTotp({ operators: store }, operator, previous, NOW), false, "an older step within the drift window");
      assert.equal(await acceptOperatorTotp({ operators: store }, operator, totpCode(SECRET, NOW + 30_000), NOW + 30_000), true, "the next step's code");
      assert.equal((await store.findById(operator.id))?.totpLastStep, totpStep(NOW) + 1);
    });

    it("disables an operator once", async () => {
      const created = await store.create(newOperator());
      assert.equal(await store.disable(created.id, CREATED_AT + 1), true);
      assert.equal(await store.disable(created.id, CREATED_AT + 2), false);
      assert.equal((await store.findById(created.id))?.disabledAt, CREATED_AT + 1);
      assert.equal(await store.disable(randomUUID(), CREATED_AT), false);
    });

    it("unlocks a locked operator once, clearing the failure count; an operator not locked is left alone", async () => {
      const created = await store.create(newOperator());
      await store.recordFailure(created.id, 5, CREATED_AT + 1);
      assert.equal(await store.unlock(created.id), false, "failures without a lock: nothing to unlock");
      assert.equal((await store.findById(created.id))?.failedCount, 1, "a refused unlock changes nothing");
      for (let i = 0; i < 4; i += 1) {
        await store.recordFailure(created.id, 5, CREATED_AT + 2);
      }
      assert.equal((await store.findById(created.id))?.lockedAt, CREATED_AT + 2);
      assert.equal(await store.unlock(created.id), true);
      const unlocked = await store.findById(created.id);
      assert.equal(unlocked?.lockedAt, null);
      assert.equal(unlocked?.failedCount, 0);
      assert.equal(await store.unlock(created.id), false, "a second unlock");
      assert.equal(await store.unlock(randomUUID()), false);
    });
  });
}
