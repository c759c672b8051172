import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import type { RecoveryRequest } from "../../src/core/ports.ts";
import type { DatabaseHandle } from "../../src/adapters/db/connect.ts";
import { createRecoveryQueueStore } from "../../src/adapters/db/recovery-queue-store.ts";
import type { RecoveryQueueStore } from "../../src/adapters/db/recovery-queue-store.ts";
import { DB_BACKENDS, testSealer } from "../support/db-backends.ts";
import { NOW } from "../support/rows.ts";

function reminder(createdAt: number): RecoveryRequest {
  return {
    id: randomUUID(),
    ask: { kind: "login_id_reminder", email: "taro@example.co.jp", birthDate: "1980-01-31" },
    context: { ip: "203.0.113.7", userAgent: "Mozilla/5.0", requestId: "req-1" },
    createdAt,
  };
}

for (const backend of DB_BACKENDS) {
  describe(`recovery queue store contract (${backend.name})`, () => {
    let handle: DatabaseHandle;
    let store: RecoveryQueueStore;
    let close: () => Promise<void>;
    before(async () => {
      const opened = await backend.open();
      handle = opened.handle;
      store = createRecoveryQueueStore(handle.db, testSealer());
      close = opened.close;
    });
    after(() => close());

    it("a request comes back as written (sealed in the table), oldest first; claimed, it is held until its lease ends; done deletes it", async () => {
      const older = reminder(NOW);
      const newer: RecoveryRequest = { ...reminder(NOW + 1), ask: { kind: "password_reset", loginId: "taro01", birthDate: "1980-01-31", resetTokenHash: "hash" } };
      await store.add(newer);
      await store.add(older);
      const raw = JSON.stringify(await handle.db.selectFrom("recovery_requests").selectAll().execute());
      assert.equal(raw.includes("taro"), false, "the payload is sealed");
      const claimed = await store.claim(NOW, NOW + 30_000, 10);
      assert.deepEqual(claimed, [{ ...older, attempts: 1 }, { ...newer, attempts: 1 }]);
      assert.deepEqual(await store.claim(NOW + 29_999, NOW + 60_000, 10), [], "held");
      const again = await store.claim(NOW + 30_000, NOW + 60_000, 10);
      assert.deepEqual(again.map((request) => [request.id, request.attempts]), [[older.id, 2], [newer.id, 2]], "the hold lapsed: claimed again, counted");
      await store.done(older.id);
      await store.done(newer.id);
      assert.equal(await store.count(), 0);
    });

    it("two instances claiming at once never get the same request", async () => {
      const requests = Array.from({ length: 12 }, (_, i) => reminder(NOW + i));
      for (const request of requests) {
        await store.add(request);
      }
      const other = createRecoveryQueueStore(handle.db, testSealer());
      const [mine, theirs] = await Promise.all([store.claim(NOW, NOW + 30_000, 12), other.claim(NOW, NOW + 30_000, 12)]);
      const ids = [...mine, ...theirs].map((request) => request.id).sort();
      assert.deepEqual(ids, requests.map((request) => request.id).sort(), "each exactly once");
      for (const request of requests) {
        await store.done(request.id);
      }
    });
  });
}
