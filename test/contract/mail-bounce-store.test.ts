import { afterEach, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import type { Database } from "../../src/adapters/db/schema.ts";
import { enqueueMail } from "../../src/adapters/db/outbox-store.ts";
import { createMailBounceStore } from "../../src/adapters/db/mail-bounces.ts";
import { createMailDeliveryLog } from "../../src/adapters/db/mail-delivery-log.ts";
import type { MailBounceStore } from "../../src/adapters/db/mail-bounces.ts";
import { DB_BACKENDS, testSealer } from "../support/db-backends.ts";

const NOW = Date.UTC(2026, 11, 7, 0, 30, 0);
const DAY = 24 * 3600_000;

for (const backend of DB_BACKENDS) {
  describe(`mail bounce store contract (${backend.name})`, () => {
    let db: Kysely<Database>;
    let store: MailBounceStore;
    let close: () => Promise<void>;

    beforeEach(async () => {
      const opened = await backend.open();
      db = opened.handle.db;
      store = createMailBounceStore(db);
      close = opened.close;
    });
    afterEach(async () => {
      await close();
    });

    async function mail(customerId: string, createdAt: number, sent: boolean): Promise<string> {
      const id = randomUUID();
      await enqueueMail(db, testSealer(), { id, recipient: "hanako@example.co.jp", subject: "s", body: "b", createdAt, customerId, kind: "code" });
      if (sent) {
        await db.updateTable("mail_outbox").set({ status: "sent", sent_at: createdAt + 1000 }).where("id", "=", id).execute();
      }
      return id;
    }

    it("finds only a mail sent since the given time, never a pending or unknown one", async () => {
      const customer = randomUUID();
      const sent = await mail(customer, NOW - DAY, true);
      const old = await mail(customer, NOW - 8 * DAY, true);
      const pending = await mail(customer, NOW, false);
      assert.deepEqual(await store.findSent(sent, NOW - 7 * DAY), { id: sent, customerId: customer, kind: "code" });
      assert.equal(await store.findSent(old, NOW - 7 * DAY), null);
      assert.equal(await store.findSent(pending, NOW - 7 * DAY), null);
      assert.equal(await store.findSent(randomUUID(), NOW - 7 * DAY), null);
    });

    it("marks once per status, and a delay never overwrites a bounce", async () => {
      const id = await mail(randomUUID(), NOW, true);
      assert.equal(await store.mark(id, { state: "delayed", reason: "delayed" }, { status: "4.4.1", diagnostic: null, at: NOW }), true);
      assert.equal(await store.mark(id, { state: "delayed", reason: "delayed" }, { status: "4.4.1", diagnostic: null, at: NOW }), false);
      assert.equal(await store.mark(id, { state: "bounced", reason: "mailbox_full" }, { status: "5.2.2", diagnostic: "552 full", at: NOW + 1 }), true);
      assert.equal(await store.mark(id, { state: "delayed", reason: "delayed" }, { status: "4.2.2", diagnostic: null, at: NOW + 2 }), false);
      const row = await db.selectFrom("mail_outbox").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
      assert.deepEqual([row.bounce_state, row.bounce_reason, row.bounce_status, row.bounce_diagnostic, Number(row.bounced_at)], ["bounced", "mailbox_full", "5.2.2", "552 full", NOW + 1]);
    });

    it("reports the latest code mail's delivery, a bounce of one of the last three winning", async () => {
      const customer = randomUUID();
      assert.equal(await store.lastCodeDelivery(customer, NOW - DAY), null);
      const first = await mail(customer, NOW - 3000, true);
      assert.deepEqual(await store.lastCodeDelivery(customer, NOW - DAY), { state: "sent", reason: null });
      await store.mark(first, { state: "bounced", reason: "mailbox_full" }, { status: "5.2.2", diagnostic: null, at: NOW });
      await mail(customer, NOW - 2000, false);
      assert.deepEqual(await store.lastCodeDelivery(customer, NOW - DAY), { state: "bounced", reason: "mailbox_full" }, "the previous mail came back");
      assert.equal(await store.lastCodeDelivery(customer, NOW - 2500).then((d) => d?.state), "pending", "older than `since`: not looked at");
      await mail(customer, NOW - 1000, true);
      await mail(customer, NOW, true);
      assert.deepEqual(await store.lastCodeDelivery(customer, NOW - DAY), { state: "sent", reason: null }, "three newer mails: the old bounce is no longer news");
    });

    it("flags an address whose two newest sent mails both bounced hard, for that address only", async () => {
      const log = createMailDeliveryLog(db);
      const customer = randomUUID();
      const first = await mail(customer, NOW - 3000, true);
      const second = await mail(customer, NOW - 2000, true);
      await mail(customer, NOW, false);
      const hard = { state: "bounced", reason: "no_such_user" } as const;
      await store.mark(first, hard, { status: "5.1.1", diagnostic: null, at: NOW });
      assert.equal(await log.hardBouncedTwice(customer, "hanako@example.co.jp"), false);
      await store.mark(second, hard, { status: "5.1.1", diagnostic: null, at: NOW });
      assert.equal(await log.hardBouncedTwice(customer, "hanako@example.co.jp"), true, "a pending mail does not count");
      assert.equal(await log.hardBouncedTwice(customer, "new@example.co.jp"), false, "a new address starts clean");
      await mail(customer, NOW + 1000, true);
      assert.equal(await log.hardBouncedTwice(customer, "hanako@example.co.jp"), false, "a newer mail with nothing back clears it");
    });
  });
}
