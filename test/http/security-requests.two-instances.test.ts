import { it } from "node:test";
import assert from "node:assert/strict";
import { startTestService } from "../support/test-service.ts";
import { createTestSchema } from "../support/postgres.ts";

const HOUR = 60 * 60 * 1000;

// Issue 17 item 2: "something must make an approved request effective when its time comes, exactly
// once even with several instances". Two services on one PostgreSQL schema, each sweeping every
// 10 ms on its own timer: many rounds race for the same due requests.
it("two instances sweeping one PostgreSQL: each due request takes effect once, with one notice and one audit event", async (context) => {
  const schema = await createTestSchema();
  context.after(() => schema.drop());
  const env = { DATABASE_URL: schema.url, SECURITY_CHANGE_DELAY_HOURS: "24" };
  // One after the other: both run the migrations on start.
  const a = await startTestService(context, { env, securityRequestSweepMs: 10 });
  const b = await startTestService(context, { env, securityRequestSweepMs: 10 });
  const agent = await a.consoleClient({ role: "agent" });
  const supervisor = await b.consoleClient({ role: "supervisor" });
  const customers = [];
  for (let i = 0; i < 8; i += 1) {
    const customer = await a.addCustomer();
    const requested = await agent.client.post(`/console/api/v1/customers/${customer.loginId}/mfa-off-requests`, { json: { reason: "ご本人から電話で依頼" } });
    assert.equal(requested.statusCode, 200, requested.body);
    const approved = await supervisor.client.post(`/console/api/v1/security-requests/${requested.json().requestId as string}/approve`, { json: { reason: "確認" } });
    assert.equal(approved.json().state, "approved");
    customers.push(customer);
  }
  // The time comes for both instances at once.
  a.clock.advance(24 * HOUR);
  b.clock.advance(24 * HOUR);
  const db = a.service.database.db;
  const deadline = Date.now() + 10_000;
  for (;;) {
    const left = await db.selectFrom("security_requests").select("id").where("state", "=", "approved").execute();
    if (left.length === 0 || Date.now() > deadline) {
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  context.diagnostic(`applied after ${10_000 - (deadline - Date.now())} ms`);
  // A few more rounds of both sweeps: nothing is applied twice.
  await new Promise((resolve) => setTimeout(resolve, 200));
  for (const customer of customers) {
    assert.equal((await a.stores().customers.findById(customer.customer.id))?.mfaEnabled, false);
    const notices = await db.selectFrom("mail_outbox").select("id").where("recipient", "=", customer.email).where("subject", "=", "【OKB証券】多要素認証解除のお知らせ").execute();
    assert.equal(notices.length, 1, `one MFA-off notice for ${customer.loginId}`);
    const effective = (await a.auditEvents(customer.customer.id)).filter((event) => event.event === "security_request.effective");
    assert.equal(effective.length, 1, `one effective event for ${customer.loginId}`);
  }
});
