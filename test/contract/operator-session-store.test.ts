import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import type { OperatorSessionStore, OperatorStore } from "../../src/core/console/operators/ports-operator.ts";
import { createOperatorSessionStore } from "../../src/adapters/db/stores/operator-session-store.ts";
import { createOperatorStore } from "../../src/adapters/db/stores/operator-store.ts";
import { createBodySealer } from "../../src/adapters/crypto/body-sealer.ts";
import { deriveKey } from "../../src/adapters/crypto/derive-key.ts";
import { DB_BACKENDS } from "../support/db-backends.ts";

const NOW = Date.UTC(2026, 10, 25, 0, 30, 0);

for (const backend of DB_BACKENDS) {
  describe(`operator session store contract (${backend.name})`, () => {
    let sessions: OperatorSessionStore;
    let operators: OperatorStore;
    let close: () => Promise<void>;
    before(async () => {
      const opened = await backend.open();
      sessions = createOperatorSessionStore(opened.handle.db);
      operators = createOperatorStore(opened.handle.db, createBodySealer(deriveKey("contract-test-secret-0123456789abcdef", "operator-totp")));
      close = opened.close;
    });
    after(async () => {
      await close();
    });

    async function seedOperator(): Promise<string> {
      const id = randomUUID();
      await operators.create({ id, loginId: `op-${id.slice(0, 8)}`, name: "佐藤 花子", role: "agent", passwordHash: "$argon2id$x", totpSecret: "JBSWY3DPEHPK3PXP", createdAt: NOW });
      return id;
    }

    it("create, find (times as numbers), touch and end", async () => {
      const operatorId = await seedOperator();
      const session = { idHash: randomUUID(), operatorId, createdAt: NOW, lastSeenAt: NOW };
      await sessions.create(session);
      assert.deepEqual(await sessions.find(session.idHash), session);
      await sessions.touch(session.idHash, NOW + 1000);
      assert.equal((await sessions.find(session.idHash))?.lastSeenAt, NOW + 1000);
      await sessions.end(session.idHash, NOW + 2000);
      assert.equal(await sessions.find(session.idHash), null);
      assert.equal(await sessions.find("no-such-session"), null);
    });

    it("endAllForOperator ends only that operator's open sessions", async () => {
      const mine = await seedOperator();
      const other = await seedOperator();
      const a = { idHash: randomUUID(), operatorId: mine, createdAt: NOW, lastSeenAt: NOW };
      const b = { idHash: randomUUID(), operatorId: mine, createdAt: NOW, lastSeenAt: NOW };
      const c = { idHash: randomUUID(), operatorId: other, createdAt: NOW, lastSeenAt: NOW };
      for (const session of [a, b, c]) {
        await sessions.create(session);
      }
      assert.equal(await sessions.endAllForOperator(mine, NOW + 1), 2);
      assert.equal(await sessions.find(a.idHash), null);
      assert.equal(await sessions.find(b.idHash), null);
      assert.deepEqual(await sessions.find(c.idHash), c);
    });

    it("operators: recordFailure locks at the threshold, once; resetFailures starts the count again", async () => {
      const id = await seedOperator();
      assert.deepEqual(await operators.recordFailure(id, 3, NOW), { failedCount: 1, lockedNow: false, alreadyLocked: false });
      await operators.resetFailures(id);
      assert.equal((await operators.findById(id))?.failedCount, 0);
      await operators.recordFailure(id, 3, NOW);
      await operators.recordFailure(id, 3, NOW);
      assert.deepEqual(await operators.recordFailure(id, 3, NOW), { failedCount: 3, lockedNow: true, alreadyLocked: false });
      assert.equal((await operators.recordFailure(id, 3, NOW)).alreadyLocked, true);
      assert.equal((await operators.findById(id))?.lockedAt, NOW);
    });
  });
}
