import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../support/run-cli.ts";
import type { CliRun } from "../support/run-cli.ts";
import { SmtpCapture } from "../support/smtp-capture.ts";
import { loadConfig } from "../../src/config.ts";
import { createService } from "../../src/service.ts";
import type { Service } from "../../src/service.ts";
import { openDatabase } from "../../src/adapters/db/connect.ts";
import { createArgon2Hasher } from "../../src/adapters/crypto/argon2-hasher.ts";
import { sqliteLiveMarkerPath } from "../../src/adapters/db/sqlite-live-marker.ts";

// Issue 17 item 12: `customer import` on SQLite stalled the live service 5–6 s and two requests got
// 500 `database is locked` (one transaction for every row holds SQLite's only write lock; the
// service waits for it with its event loop stopped). The import keeps all-or-none and refuses to
// run beside a live service on the same file (README): the import runs as a real process, the
// service keeps answering, no 5xx, none slow, nothing imported; once the service is stopped it runs.
const ROWS = 3000;
const SLOW_MS = 2000;

describe("customer import and a live service on the same SQLite file", () => {
  const files = mkdtempSync(join(tmpdir(), "okb-import-live-"));
  // The service as main.ts builds it, on a file of the test's own (kept after the service stops).
  const databaseUrl = `sqlite:${join(files, "okb.sqlite")}`;
  const smtp = new SmtpCapture();
  let service: Service | null = null;
  let csv: string;
  before(async () => {
    await smtp.listen();
    const { config } = loadConfig({
      NODE_ENV: "test",
      DATABASE_URL: databaseUrl,
      SMTP_URL: smtp.url,
      LOG_LEVEL: "silent",
      DEMO_CUSTOMER: "false",
      SERVER_SECRET: "test-secret-test-secret-test-secret-0123",
      RATE_LIMIT_PASSWORD_PER_IP: "100000/60",
      RATE_LIMIT_PASSWORD_PER_LOGIN_ID: "100000/60",
    });
    service = await createService(config);
    const hash = await createArgon2Hasher({ memoryKiB: 19456, timeCost: 2, parallelism: 1 }).hash("old system pw 1");
    const lines = ["login_id,email,name,birth_date,password_hash"];
    for (let i = 0; i < ROWS; i += 1) {
      lines.push(`imported${i},imported${i}@example.co.jp,山田 太郎,1970-05-06,"${hash}"`);
    }
    csv = join(files, "customers.csv");
    writeFileSync(csv, `${lines.join("\n")}\n`);
  });
  after(async () => {
    await service?.close();
    await smtp.close();
    rmSync(files, { recursive: true, force: true });
  });

  async function importedCount(): Promise<number> {
    const database = openDatabase(databaseUrl);
    try {
      const row = await database.db.selectFrom("customers").select((eb) => eb.fn.countAll<number>().as("n")).where("login_id", "like", "imported%").executeTakeFirstOrThrow();
      return Number(row.n);
    } finally {
      await database.close();
    }
  }

  it(`refuses to import ${ROWS} rows while the service runs (exit 1, nothing written); the service answers all along, no 5xx, none slower than ${SLOW_MS} ms`, async () => {
    const live = service;
    assert.ok(live !== null);
    const answers: Array<{ what: string; status: number; ms: number }> = [];
    let importDone = false;
    const importRun: Promise<CliRun> = runCli(["customer", "import", csv], { databaseUrl }).finally(() => {
      importDone = true;
    });
    let n = 0;
    while (!importDone) {
      n += 1;
      const started = Date.now();
      // Failed logins write (the failure count, the audit log, rate-limit counters): the service's own writes.
      const login = await live.app.inject({ method: "POST", url: "/api/v1/login", payload: { loginId: `nobody${n}`, password: "wrong password 1" }, remoteAddress: "203.0.113.7" });
      answers.push({ what: "login", status: login.statusCode, ms: Date.now() - started });
      const healthStarted = Date.now();
      const health = await live.app.inject({ method: "GET", url: "/healthz" });
      answers.push({ what: "healthz", status: health.statusCode, ms: Date.now() - healthStarted });
    }
    const run = await importRun;
    assert.equal(run.status, 1, `the import ran beside the live service: ${run.stdout}${run.stderr}`);
    assert.match(run.stderr, /^error: a service is running on this SQLite database \(process \d+ on [^)]*\); stop it, run the import, then start it again[^\n]*nothing was imported\n$/);
    assert.equal(run.stdout, "");
    assert.equal(await importedCount(), 0, "nothing was imported");
    assert.ok(answers.length >= 2, "the service was asked during the attempt");
    assert.deepEqual(answers.filter((answer) => answer.status >= 500 || answer.ms > SLOW_MS), []);
  });

  it("a mark left by a service that is gone (kill -9: not rewritten for 15 s) does not stop it; once the service is stopped the import runs, all rows", async () => {
    await service?.close();
    service = null;
    const marker = sqliteLiveMarkerPath(databaseUrl);
    assert.ok(marker !== null);
    writeFileSync(marker, '{"pid":1,"host":"gone"}\n');
    const longAgo = new Date(Date.now() - 60_000);
    utimesSync(marker, longAgo, longAgo);
    const run = await runCli(["customer", "import", csv], { databaseUrl });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, `imported ${ROWS} customers\n`);
    assert.equal(await importedCount(), ROWS);
  });
});
