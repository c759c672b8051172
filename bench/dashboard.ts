/**
 * The operations dashboard's figures over a large audit log (issue 22 §2: under 300 ms with
 * 1 million audit rows): `scripts/node.sh bench/dashboard.ts` [--rows 1000000] [--days 30]
 * [--backend sqlite|postgres].
 *
 * A fresh migrated database gets `--rows` audit rows spread evenly over the last `--days` days
 * (a mix of events; the locks on 1,000 customers: logins, wrong passwords and codes, locks, operators' reads, rate limits; failed
 * logins from 250 /24 networks) and 100,000 code mails, then ANALYZE. It times the dashboard as the
 * page runs it (Dashboard.figures: four grouped queries and the core's buckets and networks)
 * against a baseline measured in the same run on the same database: one indexed point query
 * (the newest `account.locked` row). Medians of 15 runs after 3 warm-ups.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { sql } from "kysely";
import { openDatabase } from "../src/adapters/db/connect.ts";
import { migrateToLatest } from "../src/adapters/db/migrate.ts";
import { createDashboardQuery } from "../src/adapters/db/dashboard-query.ts";
import { Dashboard } from "../src/core/console/dashboard/dashboard.ts";
import { createTestSchema } from "../test/support/postgres.ts";

const { values: args } = parseArgs({
  options: {
    rows: { type: "string", default: "1000000" },
    days: { type: "string", default: "30" },
    backend: { type: "string", default: "sqlite" },
  },
});
const ROWS = Number(args.rows);
const SPAN_MS = Number(args.days) * 86_400_000;
const MAILS = 100_000;
const NOW = Date.UTC(2026, 11, 7, 12, 0, 0);
const RUNS = 15;

// One in twenty rows is a failed login, one in ten a login: an ordinary day with some guessing.
const EVENTS = ["session.created", "session.created", "password.failed", "console.requested", "code.sent", "code.used", "password.ok", "login.notified", "session.ended", "console.customer_viewed",
  "session.created", "code.failed", "password.ok", "code.sent", "code.used", "login.notified", "session.ended", "account.locked", "rate_limited", "console.requested"];

async function main(): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), "okb-bench-dashboard-"));
  const target = args.backend === "postgres"
    ? await createTestSchema().then((schema) => ({ url: schema.url, drop: () => schema.drop() }))
    : { url: `sqlite:${join(folder, "dashboard.sqlite")}`, drop: () => Promise.resolve() };
  const database = openDatabase(target.url);
  try {
    await migrateToLatest(database.db, database.dialect);
    const db = database.db;
    const fillStarted = performance.now();
    // The locked accounts' customers, so the list joins their login IDs as the page does.
    await sql`
      with recursive g(n) as (select 0 union all select n + 1 from g where n < 999)
      insert into customers (id, login_id, email, name, password_hash, mfa_enabled, created_at)
      select 'c' || n, 'bench' || n, 'bench' || n || '@example.jp', 'テスト 太郎', 'x', 1, 0 from g
    `.execute(db);
    const events = sql.join(EVENTS.map((event, index) => sql`select ${sql.lit(index)} as k, ${sql.lit(event)} as name`), sql` union all `);
    await sql`
      with recursive g(n) as (select 1 union all select n + 1 from g where n < ${sql.lit(ROWS)}),
      e(k, name) as (${events})
      insert into audit_events (id, at, event, outcome, customer_id, actor, ip, user_agent, request_id, detail)
      select 'a' || n, ${sql.lit(NOW)} - (cast(n as bigint) * ${sql.lit(SPAN_MS)}) / ${sql.lit(ROWS)}, e.name, 'info', case when e.name = 'account.locked' then 'c' || (n % 1000) else null end, 'customer',
        '203.0.' || (n % 250) || '.' || (n % 200), 'bench', 'r' || n, '{}'
      from g join e on e.k = n % ${sql.lit(EVENTS.length)}
    `.execute(db);
    await sql`
      with recursive g(n) as (select 1 union all select n + 1 from g where n < ${sql.lit(MAILS)})
      insert into mail_outbox (id, recipient, subject, body, status, attempts, next_attempt_at, created_at, sent_at, kind)
      select 'm' || n, 'a@example.jp', 's', 'b', 'sent', 1, 0, ${sql.lit(NOW)} - (cast(n as bigint) * ${sql.lit(SPAN_MS)}) / ${sql.lit(MAILS)},
        ${sql.lit(NOW)} - (cast(n as bigint) * ${sql.lit(SPAN_MS)}) / ${sql.lit(MAILS)} + 2000, 'code'
      from g
    `.execute(db);
    await sql`analyze`.execute(db);
    console.log(`${database.dialect}: ${ROWS.toLocaleString("en")} audit rows over ${args.days} days, ${MAILS.toLocaleString("en")} code mails (filled in ${((performance.now() - fillStarted) / 1000).toFixed(1)} s)`);

    const dashboard = new Dashboard({ query: createDashboardQuery(db), clock: { now: () => NOW } });
    const figures = await dashboard.figures();
    console.log(`figures: ${JSON.stringify(figures.totals)}; top network ${JSON.stringify(figures.topNetworks[0])}; ${figures.lockedAccounts.length} locks in the last hour`);
    const baseline = await median(async () => {
      await db.selectFrom("audit_events").select(["id", "at"]).where("event", "=", "account.locked").where("at", "<=", NOW).orderBy("at", "desc").limit(1).execute();
    });
    const measured = await median(async () => {
      await dashboard.figures();
    });
    console.log(`baseline (one indexed point query): median ${baseline.toFixed(2)} ms`);
    console.log(`dashboard figures: median ${measured.toFixed(1)} ms (${(measured / baseline).toFixed(0)}× the baseline); target < 300 ms: ${measured < 300 ? "met" : "NOT met"}`);
  } finally {
    await database.close();
    await target.drop();
    rmSync(folder, { recursive: true, force: true });
  }
}

async function median(run: () => Promise<void>): Promise<number> {
  for (let warm = 0; warm < 3; warm += 1) {
    await run();
  }
  const times: number[] = [];
  for (let index = 0; index < RUNS; index += 1) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? Number.NaN;
}

await main();
