import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { sharedTestService } from "../support/test-service.ts";
import type { TestService } from "../support/test-service.ts";
import { serviceDatabases } from "../support/backends.ts";

// Issue 17 item 9: operator requests and refusals that left no trace in the audit log.

const REASON = "ご本人からの電話（本人確認済み）";

interface AuditRow {
  event: string;
  outcome: string;
  actor: string;
  customerId: string | null;
  detail: Record<string, unknown>;
}

/** The audit rows an operator wrote (actor = the operator's row ID), oldest first. */
async function rowsBy(t: TestService, operatorId: string): Promise<AuditRow[]> {
  const rows = await t.service.database.db.selectFrom("audit_events").selectAll().where("actor", "=", operatorId).orderBy("seq").execute();
  return rows.map((row) => ({ event: row.event, outcome: row.outcome, actor: row.actor, customerId: row.customer_id, detail: JSON.parse(row.detail) as Record<string, unknown> }));
}

const BACKENDS = serviceDatabases();

for (const backend of BACKENDS) {
  describe(`console: every operator request that reaches a rule is audited, refusals included (${backend.name})`, () => {
    const t = sharedTestService(async () => ({ env: await backend.env() }));
    after(async () => {
      await backend.dropSchemas();
    });

    it("[4031]: an agent approving an MFA-off request is refused and the refusal is audited (route, code, the operator)", async () => {
      const customer = await t.addCustomer();
      const requester = await t.consoleClient({ role: "agent" });
      const created = await requester.client.post(`/console/api/v1/customers/${customer.loginId}/mfa-off-requests`, { json: { reason: REASON } });
      assert.equal(created.statusCode, 200, created.body);
      const { requestId } = created.json();
      const other = await t.consoleClient({ role: "agent" });
      const refused = await other.client.post(`/console/api/v1/mfa-off-requests/${requestId}/approve`, { json: { reason: REASON } });
      assert.equal(refused.statusCode, 403);
      assert.equal(refused.json().error.code, "4031");
      const rows = (await rowsBy(t, other.operatorId)).filter((row) => row.event !== "operator.login");
      assert.deepEqual(rows.map((row) => [row.event, row.outcome]), [["console.refused", "refused"]]);
      assert.deepEqual(rows[0]?.detail, { operatorLoginId: other.loginId, route: "POST /console/api/v1/mfa-off-requests/:id/approve", code: "4031", reason: null, customer: null, target: requestId });
    });

    it("a refused action ([4000] with its reason), a bad reason and an unknown customer are audited; never the body", async () => {
      const customer = await t.addCustomer();
      const { client, operatorId, loginId } = await t.consoleClient({ role: "agent" });
      const notLocked = await client.post(`/console/api/v1/customers/${customer.loginId}/unlock`, { json: { reason: REASON } });
      assert.equal(notLocked.json().error.reason, "not_locked");
      const blank = await client.post(`/console/api/v1/customers/${customer.loginId}/mfa-on`, { json: { reason: "secret-looking text \u202E" } });
      assert.equal(blank.statusCode, 400);
      const unknown = await client.post("/console/api/v1/customers/NOBODY-here/unlock", { json: { reason: REASON } });
      assert.equal(unknown.statusCode, 404);
      // A control character in the path: refused [4000] by the one parameter check that runs before any
      // console rule (web/parameter-check.ts, item 13), so it reaches no rule and is not an operator's
      // action: no 500 on PostgreSQL, and no audit row.
      const nul = await client.post("/console/api/v1/customers/a%00b/unlock", { json: { reason: REASON } });
      assert.equal(nul.statusCode, 400);
      // The same from the console's pages (their own refusal path).
      const page = await client.post(`/console/customers/${customer.loginId}/unlock`, { form: { reason: REASON } });
      assert.equal(page.statusCode, 400);

      const refusals = (await rowsBy(t, operatorId)).filter((row) => row.event === "console.refused");
      assert.deepEqual(
        refusals.map((row) => [row.detail["route"], row.detail["code"], row.detail["reason"], row.detail["customer"], row.customerId]),
        [
          ["POST /console/api/v1/customers/:loginId/unlock", "4000", "not_locked", customer.loginId, customer.customer.id],
          ["POST /console/api/v1/customers/:loginId/mfa-on", "4000", null, customer.loginId, customer.customer.id],
          ["POST /console/api/v1/customers/:loginId/unlock", "4040", null, "nobody-here", null],
          ["POST /console/customers/:loginId/unlock", "4000", "not_locked", customer.loginId, customer.customer.id],
        ],
      );
      assert.ok(refusals.every((row) => row.detail["operatorLoginId"] === loginId));
      const written = JSON.stringify(await rowsBy(t, operatorId));
      assert.ok(!written.includes("secret-looking"));
    });

    it("a search by 重要メール is audited with the kind and the masked address, never the address in clear; by login ID with the query", async () => {
      const customer = await t.addCustomer({ email: `search.target.${Date.now()}@example.co.jp` });
      const { client, operatorId } = await t.consoleClient({ role: "agent" });
      const byEmail = await client.get(`/console/api/v1/customers?q=${encodeURIComponent(customer.email.toUpperCase())}`);
      assert.equal(byEmail.statusCode, 200, byEmail.body);
      assert.equal(byEmail.json().items.length, 1);
      const byId = await client.get(`/console/api/v1/customers?q=${customer.loginId}`);
      assert.equal(byId.statusCode, 200);
      const page = await client.get(`/console?q=${encodeURIComponent("nobody@example.com")}`);
      assert.equal(page.statusCode, 200);

      const searches = (await rowsBy(t, operatorId)).filter((row) => row.event === "console.customers_searched");
      assert.deepEqual(
        searches.map((row) => [row.outcome, row.customerId, row.detail["kind"], row.detail["query"], row.detail["results"]]),
        [
          ["info", customer.customer.id, "email", "S***@EXAMPLE.CO.JP", 1],
          ["info", customer.customer.id, "login_id_or_name", customer.loginId, 1],
          ["info", null, "email", "n***@example.com", 0],
        ],
      );
      const everything = JSON.stringify(await t.service.database.db.selectFrom("audit_events").select("detail").execute()).toLowerCase();
      assert.ok(!everything.includes(customer.email.toLowerCase()), "the searched address is nowhere in the audit log");
      assert.ok(!everything.includes("nobody@example.com"));
    });

    it("viewing the audit log (API and page) is audited with the filters", async () => {
      const customer = await t.addCustomer();
      const { client, operatorId } = await t.consoleClient({ role: "agent" });
      assert.equal((await client.get(`/console/api/v1/audit?customer=${customer.loginId}&type=account.`)).statusCode, 200);
      assert.equal((await client.get("/console/audit?type=operator.")).statusCode, 200);
      const views = (await rowsBy(t, operatorId)).filter((row) => row.event === "console.audit_viewed");
      assert.deepEqual(
        views.map((row) => [row.customerId, row.detail["customer"], row.detail["type"]]),
        [
          [null, customer.loginId, "account."],
          [null, null, "operator."],
        ],
      );
    });

    it("a request the core records nothing for (a list, the session) is audited as console.requested; one it records is not doubled", async () => {
      const customer = await t.addCustomer();
      const { client, operatorId } = await t.consoleClient({ role: "agent" });
      assert.equal((await client.get("/console/api/v1/mfa-off-requests")).statusCode, 200);
      assert.equal((await client.get("/console/mfa-off-requests")).statusCode, 200);
      assert.equal((await client.get("/console/api/v1/session")).statusCode, 200);
      assert.equal((await client.get(`/console/api/v1/customers/${customer.loginId}`)).statusCode, 200);
      const rows = (await rowsBy(t, operatorId)).filter((row) => row.event !== "operator.login");
      assert.deepEqual(
        rows.map((row) => [row.event, row.outcome, row.detail["route"] ?? null]),
        [
          ["console.requested", "info", "GET /console/api/v1/mfa-off-requests"],
          ["console.requested", "info", "GET /console/mfa-off-requests"],
          ["console.requested", "info", "GET /console/api/v1/session"],
          ["console.customer_viewed", "info", null],
        ],
      );
    });

    it("end-sessions with no live session answers ended: 0 and is audited as changing nothing", async () => {
      const customer = await t.addCustomer();
      const { client, operatorId } = await t.consoleClient({ role: "agent" });
      const response = await client.post(`/console/api/v1/customers/${customer.loginId}/end-sessions`, { json: { reason: REASON } });
      assert.deepEqual(response.json(), { status: "ok", ended: 0 });
      const rows = (await rowsBy(t, operatorId)).filter((row) => row.event === "sessions.ended_by_operator");
      assert.deepEqual(rows.map((row) => [row.outcome, row.customerId, row.detail["sessions"], row.detail["reason"]]), [["info", customer.customer.id, 0, REASON]]);
    });

    it("exporting the audit log is a supervisor's: an agent gets [4031] (API and page, no link shown), audited; a supervisor exports", async () => {
      const agent = await t.consoleClient({ role: "agent" });
      const api = await agent.client.get("/console/api/v1/audit?type=console.", { headers: { accept: "text/csv" } });
      assert.equal(api.statusCode, 403);
      assert.equal(api.json().error.code, "4031");
      const page = await agent.client.get("/console/audit?type=console.&format=csv");
      assert.equal(page.statusCode, 403);
      assert.match(page.body, /\[4031\]/);
      assert.doesNotMatch(String(page.headers["content-type"]), /csv/);
      assert.doesNotMatch((await agent.client.get("/console/audit")).body, /id="csv-export"/);
      const rows = await rowsBy(t, agent.operatorId);
      assert.deepEqual(
        rows.filter((row) => row.event === "console.refused").map((row) => [row.detail["route"], row.detail["code"]]),
        [
          ["GET /console/api/v1/audit", "4031"],
          ["GET /console/audit", "4031"],
        ],
      );
      assert.equal(rows.filter((row) => row.event === "console.audit_exported").length, 0);

      const supervisor = await t.consoleClient({ role: "supervisor" });
      assert.match((await supervisor.client.get("/console/audit")).body, /id="csv-export"/);
      const csv = await supervisor.client.get("/console/api/v1/audit?type=console.", { headers: { accept: "text/csv" } });
      assert.equal(csv.statusCode, 200);
      assert.match(String(csv.headers["content-type"]), /^text\/csv/);
      assert.equal((await rowsBy(t, supervisor.operatorId)).filter((row) => row.event === "console.audit_exported").length, 1);
    });
  });
}
