import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { sharedTestService } from "../support/test-service.ts";
import type { TestCustomer } from "../support/test-service.ts";
import { nextCodeMail, visibleText } from "../support/page-login.ts";
import { wrongCodeFor } from "../support/codes.ts";

const BUCKET_MS = 5 * 60_000;
const DAY_MS = 86_400_000;

// Failed logins from three networks: two addresses in one IPv4 /24, one in another, two IPv6 addresses in one /48.
const ATTACKERS = [
  ...Array<string>(3).fill("203.0.113.10"),
  "203.0.113.11",
  "203.0.113.200",
  ...Array<string>(3).fill("198.51.100.7"),
  "2001:db8:1:2::5",
  "2001:db8:1:ffff::9",
];

describe("the operations dashboard (issue 22 §2): /console/dashboard and GET /console/api/v1/dashboard", () => {
  // Rate limits wide open: ten wrong passwords in a row must reach the lock.
  const t = sharedTestService({ env: { RATE_LIMIT_PASSWORD_PER_LOGIN_ID: "1000/60", RATE_LIMIT_CODE_MAILS_PER_CUSTOMER: "1000/60" } });

  /** Moves the test clock a month on, to one minute into a 5-minute bucket: the window then holds only this test's events. */
  function freshWindow(): number {
    const now = t.clock.now() + 30 * DAY_MS;
    const start = Math.floor(now / BUCKET_MS) * BUCKET_MS + BUCKET_MS + 60_000;
    t.clock.advance(start - t.clock.now());
    return start;
  }

  async function attack(victim: TestCustomer): Promise<void> {
    for (const ip of ATTACKERS) {
      await t.client({ ip }).post("/login", { form: { loginId: victim.loginId, password: "wrong password" } });
    }
  }

  /** Password, one wrong code, the right code: a login with a code mail sent. */
  async function loginWithOneWrongCode(customer: TestCustomer): Promise<void> {
    const browser = t.client({ ip: "192.0.2.50" });
    const n = nextCodeMail(t, customer);
    assert.equal((await browser.post("/login", { form: { loginId: customer.loginId, password: customer.password } })).headers.location, "/login/mfa");
    const code = await t.codeFor(customer.email, n);
    await browser.post("/login/mfa", { form: { code: wrongCodeFor(code) } });
    assert.equal((await browser.post("/login/mfa", { form: { code } })).headers.location, "/");
  }

  it("counts what the test did in its 5-minute buckets, ranks the failing networks and lists the lock, as JSON and as the page's tables", async () => {
    freshWindow();
    const victim = await t.addCustomer({ loginId: `dashvictim${Date.now() % 100000}` });
    const customer = await t.addCustomer({ loginId: `dashok${Date.now() % 100000}` });
    await attack(victim);
    t.clock.advance(10 * 60_000);
    await loginWithOneWrongCode(customer);
    await t.drainOutbox();

    const { client } = await t.consoleClient({ role: "agent" });
    const response = await client.get("/console/api/v1/dashboard");
    assert.equal(response.statusCode, 200, response.body);
    const figures = response.json();
    assert.equal(figures.bucketMinutes, 5);
    assert.equal(figures.buckets.length, 288);
    assert.match(figures.buckets[0].start, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00\+09:00$/);
    assert.deepEqual(figures.totals, { logins: 1, wrongPasswords: 10, wrongCodes: 1, locks: 1, codeMailsSent: 1, mailsBounced: 0, requestsShed: 0 });
    const last = figures.buckets.at(-1);
    const attackBucket = figures.buckets.at(-3);
    assert.deepEqual(
      { logins: last.logins, wrongCodes: last.wrongCodes, codeMailsSent: last.codeMailsSent, wrongPasswords: last.wrongPasswords },
      { logins: 1, wrongCodes: 1, codeMailsSent: 1, wrongPasswords: 0 },
    );
    assert.deepEqual({ wrongPasswords: attackBucket.wrongPasswords, locks: attackBucket.locks }, { wrongPasswords: 10, locks: 1 });
    assert.deepEqual(figures.topNetworks, [
      { network: "203.0.113.0/24", failures: 5 },
      { network: "198.51.100.0/24", failures: 3 },
      { network: "2001:db8:1::/48", failures: 2 },
      // The wrong code came from 192.0.2.50: a failed login too.
      { network: "192.0.2.0/24", failures: 1 },
    ]);
    assert.deepEqual(figures.lockedAccounts.map((locked: { loginId: string }) => locked.loginId), [victim.loginId]);

    // The page: the same figures in its tables, the lock a link to the customer page.
    const page = await client.get("/console/dashboard");
    assert.equal(page.statusCode, 200);
    const text = visibleText(page.body);
    assert.match(text, /運用ダッシュボード/);
    assert.match(page.body, /<th scope="row" class="network">203\.0\.113\.0\/24<\/th><td class="num">5<\/td>/);
    assert.match(page.body, /<th scope="row" class="network">2001:db8:1::\/48<\/th><td class="num">2<\/td>/);
    assert.match(page.body, new RegExp(`<a href="/console/customers/${victim.loginId}">${victim.loginId}</a>`));
    assert.match(page.body, /<tr data-series="wrongPasswords"><th scope="row">パスワード誤り<\/th><td class="num">10<\/td><\/tr>/);
    assert.match(page.body, /<tr data-series="codeMailsSent"><th scope="row">コードメール送信<\/th><td class="num">1<\/td><\/tr>/);
    // Each chart's table: 288 rows, newest first; the chart is hidden from screen readers.
    const loginsTable = /<table class="data" id="chart-logins-table">([\s\S]*?)<\/table>/.exec(page.body)?.[1] ?? "";
    assert.equal(loginsTable.match(/<tr data-t=/g)?.length, 288);
    const rows = [...loginsTable.matchAll(/<tr data-t="\d+"><th scope="row" class="nowrap">[^<]+<\/th>((?:<td class="num">\d+<\/td>)+)<\/tr>/g)].map((row) => [...(row[1] ?? "").matchAll(/>(\d+)</g)].map((cell) => Number(cell[1])));
    assert.deepEqual(rows[0], [1, 0, 1, 0], "newest bucket: logins, wrong passwords, wrong codes, locks");
    assert.deepEqual(rows[2], [0, 10, 0, 1]);
    assert.match(page.body, /<div class="chart" id="chart-logins-plot" data-table="chart-logins-table" aria-hidden="true"><\/div>/);
    assert.match(page.body, /<script src="\/console\/static\/uplot.js" defer><\/script>/);

    // English: the same tables in English words.
    const english = await client.get("/console/dashboard?lang=en");
    assert.match(english.body, /<tr data-series="wrongPasswords"><th scope="row">Wrong passwords<\/th><td class="num">10<\/td><\/tr>/);
    assert.match(english.body, new RegExp(`<a href="/console/customers/${victim.loginId}\\?lang=en">`));
  });

  it("looks at the last hour for networks and locks, and the last 24 hours for the buckets", async () => {
    freshWindow();
    const victim = await t.addCustomer({ loginId: `dashold${Date.now() % 100000}` });
    await attack(victim);
    t.clock.advance(2 * 3600_000);
    const { client } = await t.consoleClient({ role: "supervisor" });
    const later = (await client.get("/console/api/v1/dashboard")).json();
    assert.deepEqual(later.topNetworks, []);
    assert.deepEqual(later.lockedAccounts, []);
    assert.equal(later.totals.wrongPasswords, 10);
    assert.equal(later.totals.locks, 1);
    const page = await client.get("/console/dashboard");
    assert.match(page.body, /id="networks-none"/);
    assert.match(page.body, /id="locked-none"/);

    t.clock.advance(DAY_MS);
    // A new session: the first one has timed out by now.
    const { client: nextDay } = await t.consoleClient({ role: "agent" });
    const dayAfter = (await nextDay.get("/console/api/v1/dashboard")).json();
    assert.equal(dayAfter.totals.wrongPasswords, 0);
    assert.equal(dayAfter.totals.locks, 0);
  });

  it("is for signed-in operators only, and serves its scripts from our own origin", async () => {
    const anonymous = t.consoleWebClient();
    const api = await anonymous.get("/console/api/v1/dashboard");
    assert.equal(api.statusCode, 401);
    const page = await anonymous.get("/console/dashboard");
    assert.equal(page.statusCode, 303);
    assert.match(String(page.headers.location), /^\/console\/login/);
    for (const script of ["/console/static/uplot.js", "/console/static/dashboard-charts.js"]) {
      const response = await anonymous.get(script);
      assert.equal(response.statusCode, 200, script);
      assert.match(String(response.headers["content-type"]), /^text\/javascript/);
    }
    assert.match((await anonymous.get("/console/static/uplot.js")).body, /uPlot/);
    assert.match((await anonymous.get("/console/static/console.css")).body, /\.uplot/);
  });
});
