import { afterEach, beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import type { Clock, CustomerStore, OutboxMail } from "../../src/core/kernel/ports.ts";
import type { AuditEvent } from "../../src/core/kernel/ports-audit.ts";
import type { AuditQuery, CustomerDirectory, MailDeliveryLog } from "../../src/core/console/ports-console-read.ts";
import type { Database } from "../../src/adapters/db/schema.ts";
import type { OutboxStore } from "../../src/adapters/db/outbox-store.ts";
import { createCustomerStore } from "../../src/adapters/db/stores/customer-store.ts";
import { createCustomerDirectory } from "../../src/adapters/db/stores/customer-directory.ts";
import { createMailDeliveryLog } from "../../src/adapters/db/mail-delivery-log.ts";
import { createOutboxStore, enqueueMail } from "../../src/adapters/db/outbox-store.ts";
import { createAuditQuery } from "../../src/adapters/db/audit-query.ts";
import { createAuditStore } from "../../src/adapters/db/audit-store.ts";
import { createOperatorStore } from "../../src/adapters/db/stores/operator-store.ts";
import { backfillNameFold } from "../../src/adapters/db/migrations/0010-console-lookup.ts";
import type { NameRows } from "../../src/adapters/db/migrations/0010-console-lookup.ts";
import { createBodySealer } from "../../src/adapters/crypto/body-sealer.ts";
import { deriveKey } from "../../src/adapters/crypto/derive-key.ts";
import { nodeRandom } from "../../src/adapters/crypto/node-random.ts";
import { DB_BACKENDS, testSealer } from "../support/db-backends.ts";

const NOW = Date.UTC(2026, 10, 25, 0, 30, 0);

class StepClock implements Clock {
  current = NOW;
  now(): number {
    return this.current;
  }
}

for (const backend of DB_BACKENDS) {
  describe(`console read-side stores contract (${backend.name})`, () => {
    let db: Kysely<Database>;
    let close: () => Promise<void>;
    let customers: CustomerStore;
    let directory: CustomerDirectory;
    let mails: MailDeliveryLog;
    let outbox: OutboxStore;
    let auditQuery: AuditQuery;
    const clock = new StepClock();
    const sealer = testSealer();

    beforeEach(async () => {
      const opened = await backend.open();
      db = opened.handle.db;
      close = opened.close;
      customers = createCustomerStore(db);
      directory = createCustomerDirectory(db);
      mails = createMailDeliveryLog(db);
      outbox = createOutboxStore(db, opened.handle.dialect, sealer);
      auditQuery = createAuditQuery(db);
      clock.current = NOW;
    });
    afterEach(async () => {
      await close();
    });

    async function addCustomer(loginId: string, name: string): Promise<string> {
      const id = randomUUID();
      await customers.create({ id, loginId, email: `${loginId}@example.jp`, name, passwordHash: "x", mfaEnabled: true, createdAt: NOW });
      return id;
    }

    it("finds customers by login ID prefix in login ID order, % and _ taken literally", async () => {
      await addCustomer("taro", "山田 太郎");
      await addCustomer("taro01", "山田 太郎");
      await addCustomer("tarx_1", "山田 三郎");
      await addCustomer("jiro", "山田 次郎");
      assert.deepEqual((await directory.findByLoginIdPrefix("taro", 50)).map((c) => c.loginId), ["taro", "taro01"]);
      assert.deepEqual((await directory.findByLoginIdPrefix("taro", 1)).map((c) => c.loginId), ["taro"]);
      assert.deepEqual(await directory.findByLoginIdPrefix("tar_", 50), []);
      assert.deepEqual((await directory.findByLoginIdPrefix("tarx_", 50)).map((c) => c.loginId), ["tarx_1"]);
      assert.deepEqual(await directory.findByLoginIdPrefix("%", 50), []);
    });

    it("finds names by their folded form anywhere in the name: kana of either script and width, no spaces", async () => {
      await addCustomer("sakura", "佐藤 サクラ");
      await addCustomer("hanako", "ｽｽﾞｷ ﾊﾅｺ");
      await addCustomer("ichiro", "田中　一郎");
      const names = async (fold: string): Promise<string[]> => (await directory.findByNameFold(fold, 50)).map((c) => c.loginId);
      assert.deepEqual(await names("さくら"), ["sakura"]);
      assert.deepEqual(await names("佐藤さく"), ["sakura"]);
      assert.deepEqual(await names("すずきはなこ"), ["hanako"]);
      assert.deepEqual(await names("中一"), ["ichiro"]);
      assert.deepEqual(await names("%"), []);
    });

    it("the migration's backfill folds the names of customers from before it", async () => {
      const id = randomUUID();
      await db.insertInto("customers").values({ id, login_id: "old01", email: "old01@example.jp", name: "古川 ヨシコ", password_hash: "x", mfa_enabled: 1, created_at: NOW }).execute();
      assert.deepEqual(await directory.findByNameFold("よしこ", 50), []);
      await backfillNameFold(db as unknown as Kysely<NameRows>);
      assert.deepEqual((await directory.findByNameFold("よしこ", 50)).map((c) => c.id), [id]);
    });

    it("lists a customer's mails of one kind with their delivery, newest first, the relay's reply kept printable and bounded", async () => {
      const customerId = randomUUID();
      const mail = (createdAt: number, overrides: Partial<OutboxMail> = {}): OutboxMail => ({
        id: randomUUID(),
        recipient: "someone@example.jp",
        subject: "認証コード",
        body: "認証コード: 123456",
        createdAt,
        customerId,
        kind: "code",
        ...overrides,
      });
      const sent = mail(NOW - 3000);
      const failing = mail(NOW - 2000);
      const queued = mail(NOW - 1000);
      for (const each of [sent, failing, queued, mail(NOW, { kind: "notice" }), mail(NOW, { customerId: randomUUID() })]) {
        await enqueueMail(db, sealer, each);
      }
      const reply = `250 2.0.0 Ok: queued as ABC\r\n\u0007${"x".repeat(300)}`;
      await outbox.markSent(sent.id, NOW - 2500, reply);
      await outbox.markFailed(failing.id, NOW + 1000, "Message failed: 451 mailbox unavailable");

      const listed = await mails.recentForCustomer(customerId, "code", 10);
      assert.deepEqual(listed.map((m) => m.id), [queued.id, failing.id, sent.id]);
      const [q, f, s] = listed;
      assert.deepEqual(q, { id: queued.id, createdAt: NOW - 1000, status: "pending", sentAt: null, attempts: 0, lastError: null, smtpResponse: null, bounce: null, bounceText: null });
      assert.equal(f?.status, "pending");
      assert.equal(f?.lastError, "Message failed: 451 mailbox unavailable");
      assert.equal(s?.status, "sent");
      assert.equal(s?.sentAt, NOW - 2500);
      assert.equal(s?.smtpResponse?.length, 200);
      assert.ok(s?.smtpResponse?.startsWith("250 2.0.0 Ok: queued as ABC"));
      assert.ok(!/[\u0000-\u001f\u007f]/.test(s?.smtpResponse ?? ""), "no control characters");
      assert.deepEqual((await mails.recentForCustomer(customerId, "code", 1)).map((m) => m.id), [queued.id]);
      assert.equal((await mails.recentForCustomer(customerId, "notice", 10)).length, 1);
    });

    it("reads the audit log by customer, actor, event or prefix and time range, newest first, paged, login IDs joined", async () => {
      const audit = createAuditStore(db, clock, nodeRandom);
      const operators = createOperatorStore(db, createBodySealer(deriveKey("contract-test-secret-0123456789abcdef", "operator-totp")));
      const operator = await operators.create({ id: randomUUID(), loginId: "agent01", name: "窓口 一郎", role: "agent", passwordHash: "x", totpSecret: "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", createdAt: NOW });
      const alice = await addCustomer("alice", "有栖 アリス");
      const bob = await addCustomer("bob", "母部 ボブ");
      const base: Omit<AuditEvent, "event" | "customerId" | "actor"> = { outcome: "ok", ip: "192.0.2.1", userAgent: "ua", requestId: "r", detail: {} };
      const write = async (event: AuditEvent["event"], customerId: string | null, actor: string): Promise<void> => {
        clock.current += 1000;
        await audit.record({ ...base, event, customerId, actor });
      };
      await write("password.failed", alice, "customer"); // NOW+1s
      await write("account.locked", alice, "system"); // +2s
      await write("account.unlocked", alice, operator.id); // +3s
      await write("console.customer_viewed", bob, operator.id); // +4s
      await write("operator.login", null, operator.id); // +5s

      const events = async (filter: Parameters<AuditQuery["find"]>[0]): Promise<string[]> => (await auditQuery.find(filter, null, 50)).map((e) => e.event);
      assert.deepEqual(await events({ customerId: alice }), ["account.unlocked", "account.locked", "password.failed"]);
      assert.deepEqual(await events({ actor: operator.id }), ["operator.login", "console.customer_viewed", "account.unlocked"]);
      assert.deepEqual(await events({ event: "account.locked" }), ["account.locked"]);
      assert.deepEqual(await events({ eventPrefix: "account." }), ["account.unlocked", "account.locked"]);
      assert.deepEqual(await events({ eventPrefix: "account_" }), [], "_ is literal in a prefix");
      assert.deepEqual(await events({ from: NOW + 2000, to: NOW + 4000 }), ["account.unlocked", "account.locked"]);
      assert.deepEqual(await events({ customerId: alice, actor: operator.id }), ["account.unlocked"]);

      const [unlocked] = await auditQuery.find({ customerId: alice, actor: operator.id }, null, 50);
      assert.equal(unlocked?.customerLoginId, "alice");
      assert.equal(unlocked?.operatorLoginId, "agent01");
      assert.equal(unlocked?.at, NOW + 3000);
      const [login] = await auditQuery.find({ event: "operator.login" }, null, 50);
      assert.equal(login?.customerLoginId, null);
      const [failed] = await auditQuery.find({ event: "password.failed" }, null, 50);
      assert.equal(failed?.operatorLoginId, null);
      assert.equal(failed?.actor, "customer");

      const first = await auditQuery.find({}, null, 2);
      assert.deepEqual(first.map((e) => e.event), ["operator.login", "console.customer_viewed"]);
      const last = first.at(-1);
      assert.ok(last !== undefined);
      const second = await auditQuery.find({}, { at: last.at, id: last.id }, 2);
      assert.deepEqual(second.map((e) => e.event), ["account.unlocked", "account.locked"]);
    });
  });
}
