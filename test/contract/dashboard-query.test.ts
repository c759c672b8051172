import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { CompiledQuery } from "kysely";
import type { Kysely } from "kysely";
import type { Database } from "../../src/adapters/db/schema.ts";
import type { DashboardQuery } from "../../src/core/console/dashboard/ports-dashboard.ts";
import { createDashboardQuery } from "../../src/adapters/db/dashboard-query.ts";
import { DB_BACKENDS, seedCustomer } from "../support/db-backends.ts";
import type { OpenedDatabase } from "../support/db-backends.ts";

const FROM = Date.UTC(2026, 11, 7, 0, 0, 0);
const BUCKET = 5 * 60_000;

for (const backend of DB_BACKENDS) {
  describe(`the dashboard's grouped counts (${backend.name})`, () => {
    let opened: OpenedDatabase;
    let db: Kysely<Database>;
    let query: DashboardQuery;
    let lockedLoginId: string;

    async function event(name: string, at: number, ip = "192.0.2.1", customerId: string | null = null): Promise<void> {
      await db
        .insertInto("audit_events")
        .values({ id: randomUUID(), at, event: name, outcome: "info", customer_id: customerId, actor: "customer", ip, user_agent: "t", request_id: "r", detail: "{}", seq: null, hash: null })
        .execute();
    }

    async function mail(kind: string, sentAt: number | null): Promise<void> {
      await db
        .insertInto("mail_outbox")
        .values({ id: randomUUID(), recipient: "a@example.jp", subject: "s", body: "b", status: sentAt === null ? "pending" : "sent", next_attempt_at: 0, created_at: FROM, sent_at: sentAt, kind })
        .execute();
    }

    before(async () => {
      opened = await backend.open();
      db = opened.handle.db;
      query = createDashboardQuery(db);
      const customer = await seedCustomer(opened.handle);
      lockedLoginId = customer.loginId;
      await event("password.failed", FROM - 1, "198.51.100.1"); // before the window
      await event("password.failed", FROM, "198.51.100.1");
      await event("password.failed", FROM + BUCKET - 1, "198.51.100.2");
      await event("password.failed", FROM + BUCKET, "2001:db8::1");
      await event("code.failed", FROM + 3 * BUCKET + 5, "198.51.100.1");
      await event("session.created", FROM + 3 * BUCKET);
      await event("account.locked", FROM + 2 * BUCKET, "198.51.100.1", customer.id);
      await event("account.locked", FROM + 3 * BUCKET, "198.51.100.1", customer.id);
      await event("password.failed", FROM + 4 * BUCKET, "203.0.113.9"); // at `to`: outside
      await mail("code", FROM + 30_000);
      await mail("code", FROM + BUCKET + 1);
      await mail("code", null);
      await mail("notice", FROM + 30_000);
    });
    after(async () => opened.close());

    it("counts audit events per name and 5-minute bucket within [from, to)", async () => {
      const rows = await query.auditCounts(["password.failed", "code.failed", "session.created", "account.locked"], FROM, FROM + 4 * BUCKET, BUCKET);
      const sorted = rows.map((row) => `${row.event}@${row.bucket}=${row.count}`).sort();
      assert.deepEqual(sorted, ["account.locked@2=1", "account.locked@3=1", "code.failed@3=1", "password.failed@0=2", "password.failed@1=1", "session.created@3=1"]);
      assert.deepEqual(await query.auditCounts([], FROM, FROM + BUCKET, BUCKET), []);
    });

    it("counts code mails by the time the relay took them, never notices or pending mails", async () => {
      const rows = await query.codeMailsSent(FROM, FROM + 4 * BUCKET, BUCKET);
      assert.deepEqual(rows.map((row) => `${row.bucket}=${row.count}`).sort(), ["0=1", "1=1"]);
    });

    it("counts failures per address and lists locks newest first with the login ID", async () => {
      const addresses = await query.addressCounts(["password.failed", "code.failed"], FROM, FROM + 4 * BUCKET);
      assert.deepEqual(addresses.map((row) => `${row.ip}=${row.count}`).sort(), ["198.51.100.1=2", "198.51.100.2=1", "2001:db8::1=1"]);
      const locked = await query.lockedAccounts(FROM, FROM + 4 * BUCKET, 1);
      assert.deepEqual(locked.map((row) => [row.at, row.loginId]), [[FROM + 3 * BUCKET, lockedLoginId]]);
    });

    if (backend.name === "SQLite") {
      it("reads the audit counts from the (event, at) index alone and the mails from (kind, sent_at)", async () => {
        const plan = async (statement: string): Promise<string> => {
          const result = await db.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${statement}`, []));
          return result.rows.map((row) => row.detail).join("\n");
        };
        assert.match(await plan(`select event, (at - 0) / 300000, count(*) from audit_events where event in ('password.failed', 'code.failed') and at >= 0 and at < 1 group by event, (at - 0) / 300000`), /COVERING INDEX audit_events_event_at/);
        assert.match(await plan(`select (sent_at - 0) / 300000, count(*) from mail_outbox where kind = 'code' and sent_at >= 0 and sent_at < 1 group by (sent_at - 0) / 300000`), /INDEX mail_outbox_kind_sent/);
      });
    }
  });
}
