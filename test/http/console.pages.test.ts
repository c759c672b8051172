import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { sharedTestService } from "../support/test-service.ts";
import { pageLogin, visibleText } from "../support/page-login.ts";
import { totpCode } from "../../src/core/console/operators/totp.ts";
import { CONSOLE_COOKIE, SESSION_COOKIE } from "../../src/web/kernel/cookies.ts";

/**
 * The console's HTML pages (issue 12) as a browser meets them: the console cookie only, the
 * login page's [code] messages, the CSRF token on every form, PRG after an action, refusals
 * shown on the page, masked addresses, and the CSV export link. (The browser test,
 * test/e2e/console.test.ts, walks the same pages in Chromium.)
 */
describe("console pages", () => {
  const t = sharedTestService();

  async function lockedCustomer(loginId: string): Promise<Awaited<ReturnType<typeof t.addCustomer>>> {
    const customer = await t.addCustomer({ loginId, email: `${loginId}@example.co.jp`, name: "高橋 さくら" });
    await t.service.database.db.updateTable("customers").set({ locked_at: t.clock.now(), failed_count: 5 }).where("id", "=", customer.customer.id).execute();
    return customer;
  }

  async function isLocked(customerId: string): Promise<boolean> {
    const row = await t.service.database.db.selectFrom("customers").select("locked_at").where("id", "=", customerId).executeTakeFirstOrThrow();
    return row.locked_at !== null;
  }

  it("sends every console page to /console/login without a console session, in the reader's language; a customer's session does not count", async () => {
    const customer = await t.addCustomer();
    const customerBrowser = await pageLogin(t, customer);
    assert.ok(customerBrowser.cookies.has(SESSION_COOKIE));
    for (const path of ["/console", `/console/customers/${customer.loginId}`, "/console/mfa-off-requests", "/console/audit"]) {
      const page = await customerBrowser.get(path);
      assert.equal(page.statusCode, 303, path);
      assert.equal(page.headers.location, "/console/login", path);
      const english = await customerBrowser.get(`${path}?lang=en`);
      assert.equal(english.headers.location, "/console/login?lang=en", path);
    }
  });

  it("answers an unknown console page with the console's own 404 page (no link to the customers' login); an unknown console API path stays JSON", async () => {
    const page = await t.client().get("/console/no-such-page");
    assert.equal(page.statusCode, 404);
    assert.match(String(page.headers["content-type"]), /text\/html/);
    assert.match(page.body, /コールセンター管理画面/);
    assert.match(visibleText(page.body), /\[4040\]/);
    assert.doesNotMatch(page.body, /href="\/login/);
    const api = await t.client().get("/console/api/v1/no-such-route");
    assert.equal(api.statusCode, 404);
    assert.equal(api.json().error.code, "4040");
  });

  it("logs in with ID, password and 確認コード; a wrong code shows [5101] and sets no console cookie; logout ends the session", async () => {
    const operator = await t.addOperator({ name: "佐藤 花子" });
    const browser = t.consoleWebClient();
    const form = await browser.get("/console/login");
    assert.equal(form.statusCode, 200);
    assert.match(form.body, /コールセンター管理画面/);
    const refused = await browser.post("/console/login", { form: { loginId: operator.loginId, password: operator.password, totp: "000000" } });
    assert.equal(refused.statusCode, 401);
    assert.match(visibleText(refused.body), /\[5101\]/);
    assert.ok(!browser.cookies.has(CONSOLE_COOKIE));

    const ok = await browser.post("/console/login", { form: { loginId: operator.loginId, password: operator.password, totp: totpCode(operator.totpSecret, t.clock.now()) } });
    assert.equal(ok.statusCode, 303);
    assert.equal(ok.headers.location, "/console");
    assert.ok(browser.cookies.has(CONSOLE_COOKIE));
    assert.ok(!browser.cookies.has(SESSION_COOKIE), "never the customers' cookie");
    const search = await browser.get("/console");
    assert.equal(search.statusCode, 200);
    assert.match(visibleText(search.body), /佐藤 花子/);

    const out = await browser.post("/console/logout", { form: {} });
    assert.equal(out.headers.location, "/console/login?loggedOut=1");
    assert.equal((await browser.get("/console")).headers.location, "/console/login");
  });

  it("lists search results with the address masked; the customer page never shows the full address", async () => {
    const customer = await t.addCustomer({ loginId: "kana-search", email: "kana.search@example.co.jp", name: "高橋 さくら" });
    const { client } = await t.consoleClient();
    const results = await client.get(`/console?q=${encodeURIComponent("サクラ")}`);
    assert.equal(results.statusCode, 200);
    const text = visibleText(results.body);
    assert.match(text, /kana-search/);
    assert.match(text, /k\*+@example\.co\.jp/);
    assert.ok(!results.body.includes(customer.email));
    const page = await client.get("/console/customers/kana-search");
    assert.equal(page.statusCode, 200);
    assert.ok(!page.body.includes(customer.email));
    assert.equal((await client.get("/console/customers/no-such-one")).statusCode, 404);
  });

  it("unlocks through the page's form: a redirect back with the result, the audit event with the operator and the reason", async () => {
    const customer = await lockedCustomer("page-unlock");
    const { client, operatorId } = await t.consoleClient();
    await client.get("/console/customers/page-unlock");
    const done = await client.post("/console/customers/page-unlock/unlock", { form: { reason: "電話で本人確認のうえ" } });
    assert.equal(done.statusCode, 303);
    assert.equal(done.headers.location, "/console/customers/page-unlock?done=unlock");
    assert.equal(await isLocked(customer.customer.id), false);
    const event = (await t.auditEvents(customer.customer.id)).find((item) => item.event === "account.unlocked");
    assert.equal(event?.actor, operatorId);
    assert.equal(event?.detail["reason"], "電話で本人確認のうえ");
    assert.match(visibleText((await client.get(done.headers.location as string)).body), /ロックを解除しました/);
  });

  it("refuses an action without a reason, or without the CSRF token, and changes nothing", async () => {
    const customer = await lockedCustomer("page-refused");
    const { client } = await t.consoleClient();
    await client.get("/console/customers/page-refused");
    const blank = await client.post("/console/customers/page-refused/unlock", { form: { reason: "  " } });
    assert.equal(blank.statusCode, 400);
    assert.match(visibleText(blank.body), /\[4000\][^]*理由を入力してください/);
    const forged = await client.post("/console/customers/page-refused/unlock", { form: { reason: "no token" }, csrf: false });
    assert.equal(forged.statusCode, 403);
    assert.match(visibleText(forged.body), /\[4030\]/);
    const otherSite = await client.post("/console/customers/page-refused/unlock", { form: { reason: "from elsewhere" }, headers: { origin: "https://evil.example" } });
    assert.equal(otherSite.statusCode, 403);
    assert.equal(await isLocked(customer.customer.id), true);
  });

  it("shows the decision form to supervisors only, never on their own request; an agent's approval is refused with [4031]", async () => {
    await t.addCustomer({ loginId: "four-eyes" });
    const agent = await t.consoleClient({ role: "agent" });
    await agent.client.get("/console/customers/four-eyes");
    const requested = await agent.client.post("/console/customers/four-eyes/mfa-off-requests", { form: { reason: "メールを受け取れない" } });
    assert.equal(requested.headers.location, "/console/customers/four-eyes?done=mfa-off-requested");
    // Issue 17: the security-requests page lists every kind (the MFA-off page of issue 12 is the same page).
    const list = await agent.client.get("/console/security-requests");
    const requestId = /id="request-([A-Za-z0-9_-]+)"/.exec(list.body)?.[1] ?? "";
    assert.notEqual(requestId, "");
    assert.ok(!list.body.includes("/approve"), "no approve form for an agent");
    assert.ok(list.body.includes(`/console/security-requests/${requestId}/cancel`), "any operator may cancel");
    const refused = await agent.client.post(`/console/mfa-off-requests/${requestId}/approve`, { form: { reason: "myself" } });
    assert.equal(refused.statusCode, 403);
    assert.match(visibleText(refused.body), /\[4031\]/);

    const supervisor = await t.consoleClient({ role: "supervisor" });
    const forSupervisor = await supervisor.client.get("/console/mfa-off-requests");
    assert.ok(forSupervisor.body.includes(`/console/security-requests/${requestId}/approve`));
    const approved = await supervisor.client.post(`/console/security-requests/${requestId}/approve`, { form: { reason: "確認しました" } });
    assert.equal(approved.headers.location, "/console/security-requests?done=approved-effective");
    const customer = await t.stores().customers.findByLoginId("four-eyes");
    assert.equal(customer?.mfaEnabled, false);
  });

  it("exports the filtered audit log as CSV from a link (?format=csv): UTF-8 with a BOM, the export audited", async () => {
    const customer = await lockedCustomer("page-csv");
    const { client } = await t.consoleClient({ role: "supervisor" });
    await client.get("/console/customers/page-csv");
    await client.post("/console/customers/page-csv/unlock", { form: { reason: "CSVの確認" } });
    const page = await client.get("/console/audit?customer=page-csv");
    assert.match(page.body, /href="\/console\/audit\?customer=page-csv&amp;format=csv"/);
    const csv = await client.get("/console/audit?customer=page-csv&format=csv");
    assert.equal(csv.statusCode, 200);
    assert.match(String(csv.headers["content-type"]), /^text\/csv/);
    assert.ok(csv.body.startsWith("\uFEFF"));
    assert.match(csv.body, /account\.unlocked/);
    assert.ok((await t.auditEvents(customer.customer.id)).some((item) => item.event === "console.audit_exported"));
    // Paged newest first: 「古い記録へ」 carries the cursor and the filters; the next page holds the older rows.
    const first = await client.get("/console/audit?customer=page-csv&limit=1");
    const older = /href="(\/console\/audit\?[^"]*before=[^"]+)" id="audit-older"/.exec(first.body)?.[1]?.replaceAll("&amp;", "&") ?? "";
    assert.match(older, /customer=page-csv/);
    const second = await client.get(older);
    assert.equal(second.statusCode, 200);
    assert.match(second.body, /id="audit-first"/);
    assert.notEqual(/<tbody>[^]*?<\/tbody>/.exec(first.body)?.[0], /<tbody>[^]*?<\/tbody>/.exec(second.body)?.[0]);
    const unknown = await client.get("/console/audit?customer=nobody-here");
    assert.equal(unknown.statusCode, 404);
    assert.match(visibleText(unknown.body), /\[4040\]/);
  });
});
