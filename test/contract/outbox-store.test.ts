import { afterEach, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import type { Kysely, Selectable } from "kysely";
import type { OutboxMail } from "../../src/core/kernel/ports.ts";
import type { Database, MailOutboxTable } from "../../src/adapters/db/schema.ts";
import { createOutboxStore, enqueueMail } from "../../src/adapters/db/outbox-store.ts";
import type { ClaimedMail, OutboxStore } from "../../src/adapters/db/outbox-store.ts";
import { DB_BACKENDS, testSealer } from "../support/db-backends.ts";

const NOW = Date.UTC(2026, 10, 25, 0, 30, 0);
const LEASE_MS = 30_000;

function newMail(overrides: Partial<OutboxMail> = {}): OutboxMail {
  const id = randomUUID();
  return {
    id,
    recipient: `${id.slice(0, 8)}@example.jp`,
    subject: "ログイン確認コード",
    body: `確認コード: ${id.slice(0, 6)}`,
    createdAt: NOW,
    ...overrides,
  };
}

for (const backend of DB_BACKENDS) {
  describe(`outbox store contract (${backend.name})`, () => {
    let db: Kysely<Database>;
    let outbox: OutboxStore;
    let close: () => Promise<void>;
    const sealer = testSealer();

    async function enqueue(mail: OutboxMail): Promise<OutboxMail> {
      // The production path: mails enter the outbox inside the caller's transaction.
      await db.transaction().execute((trx) => enqueueMail(trx, sealer, mail));
      return mail;
    }

    async function row(id: string): Promise<Selectable<MailOutboxTable>> {
      return db.selectFrom("mail_outbox").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
    }

    // Claim sees every due mail in the table, so each test gets its own database.
    beforeEach(async () => {
      const opened = await backend.open();
      db = opened.handle.db;
      outbox = createOutboxStore(db, opened.handle.dialect, sealer);
      close = opened.close;
    });
    afterEach(async () => {
      await close();
    });

    it("claim leases due mails with their bodies decrypted, oldest first, up to the limit", async () => {
      const oldest = await enqueue(newMail({ createdAt: NOW - 3_000 }));
      const middle = await enqueue(newMail({ createdAt: NOW - 2_000 }));
      await enqueue(newMail({ createdAt: NOW - 1_000 }));
      await enqueue(newMail({ createdAt: NOW + 1_000 }));
      const claimed = await outbox.claim(NOW, LEASE_MS, 2);
      const expected: ClaimedMail[] = [oldest, middle].map((mail) => ({
        id: mail.id,
        recipient: mail.recipient,
        subject: mail.subject,
        body: mail.body,
        attempts: 1,
        createdAt: mail.createdAt,
      }));
      assert.deepEqual(
        [...claimed].sort((a, b) => a.createdAt - b.createdAt),
        expected,
      );
      assert.equal(typeof claimed[0]?.createdAt, "number");
      assert.equal((await row(oldest.id)).claimed_until, NOW + LEASE_MS);
      // The third is due, the fourth is not yet.
      assert.equal((await outbox.claim(NOW, LEASE_MS, 10)).length, 1);
      assert.equal((await outbox.claim(NOW + 1_000, LEASE_MS, 10)).length, 1);
    });

    it("enqueue queues a mail on its own: sealed at rest, due at once, claimed with its body readable", async () => {
      const mail = newMail({ body: "ロックのお知らせ本文" });
      await outbox.enqueue(mail);
      const stored = await row(mail.id);
      assert.equal(stored.status, "pending");
      assert.doesNotMatch(stored.body ?? "", /ロック/, "the body is sealed in the table");
      const [claimed] = await outbox.claim(mail.createdAt, LEASE_MS, 10);
      assert.equal(claimed?.id, mail.id);
      assert.equal(claimed?.body, "ロックのお知らせ本文");
    });

    it("a claimed mail is not claimed again before its lease ends, but is after", async () => {
      const mail = await enqueue(newMail());
      assert.equal((await outbox.claim(NOW, LEASE_MS, 10)).length, 1);
      assert.deepEqual(await outbox.claim(NOW + LEASE_MS - 1, LEASE_MS, 10), []);
      const again = await outbox.claim(NOW + LEASE_MS, LEASE_MS, 10);
      assert.deepEqual(
        again.map((claimed) => [claimed.id, claimed.attempts]),
        [[mail.id, 2]],
      );
    });

    it("concurrent claimers never get the same mail: 30 mails, 4 claim loops, each mail once", async () => {
      const mails = [];
      for (let i = 0; i < 30; i += 1) {
        mails.push(await enqueue(newMail({ createdAt: NOW - i })));
      }
      async function claimLoop(): Promise<string[]> {
        const seen: string[] = [];
        for (;;) {
          const batch = await outbox.claim(NOW, LEASE_MS, 3);
          if (batch.length === 0) {
            return seen;
          }
          seen.push(...batch.map((mail) => mail.id));
        }
      }
      const loops = await Promise.all([claimLoop(), claimLoop(), claimLoop(), claimLoop()]);
      const seen = loops.flat();
      assert.equal(seen.length, 30, "every mail claimed exactly once");
      assert.deepEqual([...seen].sort(), mails.map((mail) => mail.id).sort());
    });

    it("markSent empties the body, stops counting the mail as pending and never hands it out again", async () => {
      const mail = await enqueue(newMail());
      await enqueue(newMail());
      assert.equal(await outbox.pendingCount(), 2);
      await outbox.claim(NOW, LEASE_MS, 1);
      await outbox.markSent(mail.id, NOW + 500);
      const sent = await row(mail.id);
      assert.equal(sent.status, "sent");
      assert.equal(sent.body, "");
      assert.equal(sent.sent_at, NOW + 500);
      assert.equal(sent.claimed_until, null);
      assert.equal(await outbox.pendingCount(), 1);
      assert.equal(typeof (await outbox.pendingCount()), "number");
      const later = await outbox.claim(NOW + 10 * LEASE_MS, LEASE_MS, 10);
      assert.ok(!later.some((claimed) => claimed.id === mail.id));
    });

    it("markFailed schedules the next attempt: not claimable before it, claimable from it", async () => {
      const mail = await enqueue(newMail());
      await outbox.claim(NOW, LEASE_MS, 10);
      await outbox.markFailed(mail.id, NOW + 120_000, `421 try again later ${"x".repeat(600)}`);
      const failed = await row(mail.id);
      assert.equal(failed.status, "pending");
      assert.equal(failed.next_attempt_at, NOW + 120_000);
      assert.equal(failed.claimed_until, null);
      assert.equal(failed.last_error?.length, 500);
      assert.equal(await outbox.pendingCount(), 1);
      // The lease would have ended, but the retry time has not come.
      assert.deepEqual(await outbox.claim(NOW + 119_999, LEASE_MS, 10), []);
      const retried = await outbox.claim(NOW + 120_000, LEASE_MS, 10);
      assert.deepEqual(
        retried.map((claimed) => [claimed.id, claimed.attempts, claimed.body]),
        [[mail.id, 2, mail.body]],
      );
    });

    it("claim with triedAtMost 0 takes first tries only, leaving a due retry for a plain claim (issue 17 §11)", async () => {
      const retry = await enqueue(newMail({ createdAt: NOW - 10_000 }));
      await outbox.claim(NOW - 10_000, LEASE_MS, 10);
      await outbox.markFailed(retry.id, NOW - 5_000, "timeout");
      const fresh = await enqueue(newMail());
      assert.deepEqual((await outbox.claim(NOW, LEASE_MS, 10, { triedAtMost: 0 })).map((claimed) => [claimed.id, claimed.attempts]), [[fresh.id, 1]]);
      assert.deepEqual((await outbox.claim(NOW, LEASE_MS, 10)).map((claimed) => [claimed.id, claimed.attempts]), [[retry.id, 2]]);
    });

    it("release gives back untried claims: due again at once, the attempt not counted", async () => {
      const released = await enqueue(newMail({ createdAt: NOW - 1 }));
      const kept = await enqueue(newMail());
      assert.equal((await outbox.claim(NOW, LEASE_MS, 10)).length, 2);
      await outbox.release([released.id]);
      assert.deepEqual(
        (await outbox.claim(NOW + 1, LEASE_MS, 10)).map((claimed) => [claimed.id, claimed.attempts]),
        [[released.id, 1]],
      );
      assert.equal((await row(kept.id)).claimed_until, NOW + LEASE_MS);
      await outbox.release([]);
    });

    it("retryNow makes every waiting retry due now, and leaves leased and sent mails alone", async () => {
      const waiting = await enqueue(newMail({ createdAt: NOW - 2 }));
      const leased = await enqueue(newMail({ createdAt: NOW - 1 }));
      const sent = await enqueue(newMail());
      await outbox.claim(NOW, LEASE_MS, 10);
      await outbox.markFailed(waiting.id, NOW + 300_000, "connect ECONNREFUSED");
      await outbox.markSent(sent.id, NOW);
      assert.deepEqual(await outbox.claim(NOW + 1_000, LEASE_MS, 10), [], "the retry waits for its backoff");

      assert.equal(await outbox.retryNow(NOW + 1_000), 1, "one mail was waiting");
      assert.equal((await row(waiting.id)).next_attempt_at, NOW + 1_000);
      assert.equal((await row(leased.id)).claimed_until, NOW + LEASE_MS, "a lease is not cut short");
      assert.equal((await row(sent.id)).status, "sent");
      assert.deepEqual(
        (await outbox.claim(NOW + 1_000, LEASE_MS, 10)).map((claimed) => [claimed.id, claimed.attempts]),
        [[waiting.id, 2]],
      );
      assert.equal(await outbox.retryNow(NOW + 1_000), 0, "nothing left waiting");
    });

    it("nextDueAfter is the earliest retry or lease end still to come, so a worker sleeps until then (issue 23)", async () => {
      assert.equal(await outbox.nextDueAfter(NOW), null, "an empty outbox: nothing to wait for");
      const due = await enqueue(newMail({ createdAt: NOW - 1 }));
      assert.equal(await outbox.nextDueAfter(NOW), null, "a mail due now is the claim's, not a time to wait for");
      const retry = await enqueue(newMail());
      const sent = await enqueue(newMail());
      assert.equal((await outbox.claim(NOW, LEASE_MS, 10)).length, 3);
      await outbox.markFailed(retry.id, NOW + 60_000, "451 try again later");
      await outbox.markSent(sent.id, NOW);
      assert.equal(await outbox.nextDueAfter(NOW), NOW + LEASE_MS, "the lease still held (an instance that may have died)");
      assert.equal(await outbox.nextDueAfter(NOW + LEASE_MS), NOW + 60_000, "then the retry");
      // A retry claimed again: due again only when that lease ends (its attempt time has passed).
      await outbox.markFailed(due.id, NOW + 1_000, "timeout");
      await outbox.claim(NOW + 1_000, LEASE_MS, 10);
      assert.equal(await outbox.nextDueAfter(NOW + 1_000), NOW + 1_000 + LEASE_MS);
      await outbox.markSent(due.id, NOW + 2_000);
      await outbox.markSent(retry.id, NOW + 2_000);
      assert.equal(await outbox.nextDueAfter(NOW), null, "sent mails are never due");
    });

    it("findStuck and countStuck list pending mails queued too long ago or tried too often, oldest first", async () => {
      const old = await enqueue(newMail({ createdAt: NOW - 600_000 }));
      const retried = await enqueue(newMail({ createdAt: NOW - 1_000 }));
      const fresh = await enqueue(newMail({ createdAt: NOW - 500 }));
      const sentOld = await enqueue(newMail({ createdAt: NOW - 700_000 }));
      await outbox.claim(NOW, LEASE_MS, 10);
      await outbox.markSent(sentOld.id, NOW);
      // Not due again during this test, so only `retried` collects attempts.
      await outbox.markFailed(old.id, NOW + 3_600_000, "timeout");
      await outbox.markFailed(fresh.id, NOW + 3_600_000, "timeout");
      for (let attempt = 2; attempt <= 3; attempt += 1) {
        await outbox.markFailed(retried.id, NOW, "550 mailbox unavailable");
        await outbox.claim(NOW + attempt * LEASE_MS, LEASE_MS, 10);
      }
      const criteria = { queuedBefore: NOW - 300_000, minAttempts: 3 };
      const stuck = await outbox.findStuck(criteria, 10);
      assert.deepEqual(
        stuck.map((mail) => mail.id),
        [old.id, retried.id],
      );
      assert.equal(typeof stuck[0]?.createdAt, "number");
      assert.equal(await outbox.countStuck(criteria), 2);
      assert.deepEqual(
        (await outbox.findStuck(criteria, 1)).map((mail) => mail.id),
        [old.id],
      );
    });
  });
}
