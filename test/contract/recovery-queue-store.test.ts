import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import type { RecoveryRequest } from "../../src/core/account/ports-recovery.ts";
import type { DatabaseHandle } from "../../src/adapters/db/connect.ts";
import { createRecoveryQueueStore } from "../../src/adapters/db/stores/recovery-queue-store.ts";
import type { RecoveryQueueStore } from "../../src/adapters/db/stores/recovery-queue-store.ts";
import { pino } from "pino";
import { DB_BACKENDS, testSealer } from "../support/db-backends.ts";
import { createBodySealer } from "../../src/adapters/crypto/body-sealer.ts";
import { deriveKey } from "../../src/adapters/crypto/derive-key.ts";
import { DEFAULT_RECOVERY_SETTINGS, RecoveryWorker } from "../../src/adapters/mail/recovery-worker.ts";
import { NOW } from "../support/rows.ts";

/** A recovery worker over `store` that records what it resolved and what it logged. */
function recordingWorker(store: RecoveryQueueStore): { worker: RecoveryWorker; resolved: string[]; logged: Array<Record<string, unknown>> } {
  const resolved: string[] = [];
  const logged: Array<Record<string, unknown>> = [];
  const logger = pino({ level: "warn" }, { write: (line: string): void => void logged.push(JSON.parse(line) as Record<string, unknown>) });
  const resolve = async (request: RecoveryRequest): Promise<void> => {
    resolved.push(request.id);
  };
  const worker = new RecoveryWorker({ store, resolve, clock: { now: (): number => NOW }, logger, settings: DEFAULT_RECOVERY_SETTINGS });
  return { worker, resolved, logged };
}

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

    it("a row no key opens does not hold the others: the good one is resolved, the bad one given up and logged once, without its content", async () => {
      const bad = reminder(NOW);
      const good = reminder(NOW + 1);
      await createRecoveryQueueStore(handle.db, createBodySealer(deriveKey("some-other-secret-0123456789abcdef", "recovery-seal"))).add(bad);
      await store.add(good);
      const { worker, resolved, logged } = recordingWorker(store);
      assert.equal(await worker.runOnce(), 2);
      assert.deepEqual(resolved, [good.id]);
      assert.equal(await store.count(), 0, "both rows are gone");
      assert.deepEqual(logged.map((line) => [line["msg"], line["recoveryRequestId"]]), [["recovery request unreadable (sealed with another SERVER_SECRET?); given up", bad.id]]);
      assert.ok(!JSON.stringify(logged).includes("taro"), "nothing of the row in the log");
      assert.equal(await worker.runOnce(), 0, "given up once");
      assert.equal(logged.length, 1);
    });

    it("after a SERVER_SECRET rotation a row sealed with the old secret still opens with the old key kept beside the new one", async () => {
      const oldSealer = createBodySealer(deriveKey("old-server-secret-0123456789abcdef", "recovery-seal"));
      const newSealer = createBodySealer(deriveKey("new-server-secret-0123456789abcdef", "recovery-seal"));
      const before = reminder(NOW);
      await createRecoveryQueueStore(handle.db, oldSealer).add(before);
      const rotated = createRecoveryQueueStore(handle.db, newSealer, [oldSealer]);
      const after = reminder(NOW + 1);
      await rotated.add(after);
      const { worker, resolved, logged } = recordingWorker(rotated);
      assert.equal(await worker.runOnce(), 2);
      assert.deepEqual([resolved, logged], [[before.id, after.id], []]);
      assert.equal(await rotated.count(), 0);
      const latest = reminder(NOW + 2);
      await rotated.add(latest);
      const row = await handle.db.selectFrom("recovery_requests").select("payload").where("id", "=", latest.id).executeTakeFirstOrThrow();
      assert.throws(() => oldSealer.open(row.payload), "new rows are sealed with the new key only");
      await rotated.done(latest.id);
    });
  });
}
