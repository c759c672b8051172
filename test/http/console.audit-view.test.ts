import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parse } from "csv-parse/sync";
import { sharedTestService } from "../support/test-service.ts";
import type { TestCustomer } from "../support/test-service.ts";
import type { AuditEvent } from "../../src/core/kernel/ports-audit.ts";

const DAY_MS = 86_400_000;
const JST_MS = 9 * 3600_000;
let serial = 0;

describe("console audit log view (GET /console/api/v1/audit)", () => {
  const t = sharedTestService();

  async function freshCustomer(): Promise<TestCustomer> {
    serial += 1;
    return t.addCustomer({ loginId: `audit${serial}x${Date.now() % 100000}` });
  }

  /** An event written straight to the audit log at the test clock's time. */
  async function record(customer: TestCustomer, overrides: Partial<AuditEvent> = {}): Promise<void> {
    await t.stores().audit.record({
      event: "account.unlocked",
      outcome: "ok",
      customerId: customer.customer.id,
      actor: "system",
      ip: "192.0.2.1",
      userAgent: "test",
      requestId: `req-${serial}`,
      detail: {},
      ...overrides,
    });
  }

  /** `YYYY-MM-DD` in Japan time. */
  function jstDate(epochMs: number): string {
    return new Date(epochMs + JST_MS).toISOString().slice(0, 10);
  }

  it("filters by customer, operator (login IDs) and event type or prefix, newest first, times in JST", async () => {
    const customer = await freshCustomer();
    const other = await freshCustomer();
    const { client, loginId: operatorLoginId } = await t.consoleClient({ role: "agent" });
    t.clock.advance(1000);
    await client.get(`/console/api/v1/customers/${customer.loginId}`);
    t.clock.advance(1000);
    await client.get(`/console/api/v1/customers/${other.loginId}`);
    t.clock.advance(1000);
    await record(customer, { event: "account.locked", outcome: "info" });

    const byCustomer = await client.get(`/console/api/v1/audit?customer=${customer.loginId.toUpperCase()}`);
    assert.equal(byCustomer.statusCode, 200, byCustomer.body);
    const items = byCustomer.json().items;
    assert.deepEqual(items.map((item: { event: string }) => item.event), ["account.locked", "console.customer_viewed"]);
    assert.deepEqual(Object.keys(items[1]), ["at", "event", "outcome", "customer", "operator", "actor", "ip", "requestId", "detail"]);
    assert.equal(items[1].customer, customer.loginId);
    assert.equal(items[1].operator, operatorLoginId);
    assert.equal(items[1].actor, operatorLoginId, "an operator is named by login ID, not row ID");
    assert.match(items[1].at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+09:00$/);
    assert.equal(items[0].operator, null);
    assert.equal(items[0].actor, "system");
    assert.equal(byCustomer.json().next, null);

    const byOperator = (await client.get(`/console/api/v1/audit?operator=${operatorLoginId}&type=console.customer_viewed`)).json();
    assert.deepEqual(byOperator.items.map((item: { customer: string }) => item.customer), [other.loginId, customer.loginId]);
    const byPrefix = (await client.get(`/console/api/v1/audit?customer=${customer.loginId}&type=account.`)).json();
    assert.deepEqual(byPrefix.items.map((item: { event: string }) => item.event), ["account.locked"]);
    const operatorLogins = (await client.get(`/console/api/v1/audit?operator=${operatorLoginId}&type=operator.`)).json();
    assert.deepEqual(operatorLogins.items.map((item: { event: string }) => item.event), ["operator.login"]);
    // Empty fields (as a form sends them) are no filter.
    const emptyFields = (await client.get(`/console/api/v1/audit?customer=${customer.loginId}&operator=&type=&from=&to=`)).json();
    assert.equal(emptyFields.items.length, 2);
  });

  it("filters by JST dates and date-times, 'to' inclusive of the day or minute named", async () => {
    const customer = await freshCustomer();
    // Move to 23:59 JST of a day after today, then record one event either side of midnight.
    const now = t.clock.now();
    const todayStart = Math.floor((now + JST_MS) / DAY_MS) * DAY_MS - JST_MS;
    t.clock.advance(todayStart + 2 * DAY_MS - 60_000 - now);
    const lateDay = jstDate(t.clock.now());
    await record(customer, { event: "account.locked" });
    t.clock.advance(2 * 60_000);
    const nextDay = jstDate(t.clock.now());
    await record(customer, { event: "account.unlocked" });
    // Logged in after the clock moved: a console session idles out in 15 minutes.
    const { client } = await t.consoleClient();

    async function events(query: string): Promise<string[]> {
      const response = await client.get(`/console/api/v1/audit?customer=${customer.loginId}&${query}`);
      assert.equal(response.statusCode, 200, `${query}: ${response.body}`);
      return response.json().items.map((item: { event: string }) => item.event);
    }
    assert.deepEqual(await events(`from=${lateDay}&to=${lateDay}`), ["account.locked"]);
    assert.deepEqual(await events(`from=${nextDay}`), ["account.unlocked"]);
    assert.deepEqual(await events(`to=${nextDay}T00:00`), ["account.locked"]);
    assert.deepEqual(await events(`from=${nextDay}T00:01`), ["account.unlocked"]);
    assert.deepEqual(await events(`from=${lateDay}T23:59:00&to=${nextDay}T00:01:00`), ["account.unlocked", "account.locked"]);
    // With a zone, the instant is the one given: 15:00Z is midnight in Japan.
    assert.deepEqual(await events(`from=${lateDay}T15:00:00Z`), ["account.unlocked"]);
  });

  it("pages newest first with a cursor, no row twice, and the last page says so", async () => {
    const customer = await freshCustomer();
    const { client } = await t.consoleClient();
    for (let i = 0; i < 5; i += 1) {
      t.clock.advance(1000);
      await record(customer, { detail: { n: i } });
    }
    const seen: number[] = [];
    let url = `/console/api/v1/audit?customer=${customer.loginId}&limit=2`;
    const sizes: number[] = [];
    for (;;) {
      const page = (await client.get(url)).json();
      sizes.push(page.items.length);
      seen.push(...page.items.map((item: { detail: { n: number } }) => item.detail.n));
      if (page.next === null) {
        break;
      }
      url = `/console/api/v1/audit?customer=${customer.loginId}&limit=2&before=${page.next}`;
    }
    assert.deepEqual(sizes, [2, 2, 1]);
    assert.deepEqual(seen, [4, 3, 2, 1, 0]);
    const whole = (await client.get(`/console/api/v1/audit?customer=${customer.loginId}`)).json();
    assert.equal(whole.items.length, 5, "default page size 50");
  });

  it("refuses bad filters with [4000] and unknown customers or operators with [4040]", async () => {
    const customer = await freshCustomer();
    const { client } = await t.consoleClient();
    for (const query of ["limit=0", "limit=201", "limit=abc", "before=not-a-cursor!", "type=DROP%20TABLE", "type=a.b.c", "from=2026-02-30", "from=2026-11-25T24:00", "from=yesterday", `from=2026-11-26&to=2026-11-25`]) {
      const response = await client.get(`/console/api/v1/audit?customer=${customer.loginId}&${query}`);
      assert.equal(response.statusCode, 400, query);
      assert.equal(response.json().error.code, "4000", query);
    }
    assert.equal((await client.get(`/console/api/v1/audit?customer=${customer.loginId}&limit=200`)).statusCode, 200);
    for (const query of ["customer=no.such.customer", "operator=no.such.operator"]) {
      const response = await client.get(`/console/api/v1/audit?${query}`);
      assert.equal(response.statusCode, 404, query);
      assert.equal(response.json().error.code, "4040", query);
    }
    const anonymous = await t.client().get("/console/api/v1/audit");
    assert.equal(anonymous.statusCode, 401);
    assert.equal(anonymous.json().error.code, "4010");
  });

  it("exports the filtered rows as CSV for Excel: BOM, CRLF, Japanese headers, JST, formulas neutralised; the export is audited", async () => {
    const customer = await freshCustomer();
    // The export is a supervisor's (issue 17 item 9; an agent's is refused in console.audit-gaps.test.ts).
    const { client, loginId: operatorLoginId, operatorId } = await t.consoleClient({ role: "supervisor" });
    t.clock.advance(1000);
    // Whatever is stored must never run as a formula in the reader's spreadsheet.
    await record(customer, { actor: "=HYPERLINK(\"http://evil.example\",\"x\")", ip: "@SUM(1+1)", requestId: "+cmd|' /C calc'!A0", detail: { reason: "line one\r\nline two" } });
    t.clock.advance(1000);
    await record(customer, { actor: "-2+3", requestId: "\tTAB" });

    const response = await client.get(`/console/api/v1/audit?customer=${customer.loginId}&limit=1`, { headers: { accept: "text/csv" } });
    assert.equal(response.statusCode, 200, response.body);
    assert.match(String(response.headers["content-type"]), /^text\/csv; charset=utf-8/);
    assert.equal(response.headers["content-disposition"], `attachment; filename="audit-${jstDate(t.clock.now()).replaceAll("-", "")}.csv"`);
    assert.equal(response.headers["x-export-row-limit"], "10000");
    assert.equal(response.headers["x-export-truncated"], "false");
    const bytes = response.rawPayload;
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    const text = bytes.toString("utf8");
    assert.ok(text.startsWith("\uFEFF日時（JST）,イベント,結果,お客さまログインID,オペレーターログインID,実行者,IPアドレス,リクエストID,詳細\r\n"), text.slice(0, 120));
    assert.ok(text.endsWith("\r\n"));

    const rows: string[][] = parse(text, { bom: true, relax_column_count: false });
    assert.equal(rows.length, 3, "the header and both rows: an export is not paged");
    const [newest, oldest] = [rows[1] as string[], rows[2] as string[]];
    assert.equal(newest[5], "'-2+3");
    assert.equal(newest[7], "'\tTAB");
    assert.equal(oldest[5], "'=HYPERLINK(\"http://evil.example\",\"x\")");
    assert.equal(oldest[6], "'@SUM(1+1)");
    assert.equal(oldest[7], "'+cmd|' /C calc'!A0");
    assert.equal(oldest[3], customer.loginId);
    assert.deepEqual(JSON.parse(oldest[8] as string), { reason: "line one\r\nline two" });
    assert.match(oldest[0] as string, /^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}$/);
    for (const row of rows.slice(1)) {
      for (const cell of row) {
        assert.ok(!/^[=+\-@\t\r]/.test(cell), `unneutralised cell ${JSON.stringify(cell)}`);
      }
    }

    const exported = (await t.auditEvents(customer.customer.id)).filter((event) => event.event === "console.audit_exported");
    assert.equal(exported.length, 1);
    assert.equal(exported[0]?.actor, operatorId);
    assert.equal(exported[0]?.detail["operatorLoginId"], operatorLoginId);
    assert.equal(exported[0]?.detail["rows"], 2);
    assert.equal(exported[0]?.detail["customer"], customer.loginId);
    // A plain JSON read is not an export and is not audited as one.
    await client.get(`/console/api/v1/audit?customer=${customer.loginId}`);
    assert.equal((await t.auditEvents(customer.customer.id)).filter((event) => event.event === "console.audit_exported").length, 1);
  });

  it("refuses a CSV export with bad filters with the same [4000] as JSON, exporting nothing", async () => {
    const { client, operatorId } = await t.consoleClient({ role: "supervisor" });
    const response = await client.get("/console/api/v1/audit?type=%3Dbad", { headers: { accept: "text/csv" } });
    assert.equal(response.statusCode, 400);
    assert.equal(response.json().error.code, "4000");
    assert.deepEqual(await t.stores().auditQuery.find({ actor: operatorId, event: "console.audit_exported" }, null, 10), []);
  });
});
