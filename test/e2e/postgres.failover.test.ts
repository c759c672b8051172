import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { openDatabase } from "../../src/adapters/db/connect.ts";
import { migrateToLatest } from "../../src/adapters/db/migrate.ts";
import { createCustomerStore } from "../../src/adapters/db/stores/customer-store.ts";
import { createArgon2Hasher } from "../../src/adapters/crypto/argon2-hasher.ts";
import { ApiClient } from "../support/api-client.ts";
import { OwnPostgres, ownPostgresUnavailable } from "../support/own-postgres.ts";
import { spawnService } from "../support/spawned-service.ts";
import type { SpawnedService } from "../support/spawned-service.ts";
import { SmtpCapture } from "../support/smtp-capture.ts";

const PASSWORD = "failover test password";
const CODE_SUBJECT = "【OKB証券】認証コードのお知らせ";
// Issue 17 §1: during an outage a request answers 503 [5000] within 2 s, it does not hang.
const OUTAGE_ANSWER_MS = 2000;
const LOAD_WORKERS = 4;

interface Answer {
  at: number;
  status: number;
  code: string | null;
  ms: number;
}

const unavailable = ownPostgresUnavailable();

/**
 * Issue 17 §1: PostgreSQL loses the service's connections (pg_terminate_backend, then a
 * restart of the cluster) while customers log in. The service is its own process, as in
 * production: before the fix it died of `Unhandled 'error' event … 57P01`, which only
 * a separate process shows (in-process the test runner itself would die). The cluster
 * is the test's own, on its own port; the shared PostgreSQL is never touched.
 */
describe("PostgreSQL failover: the service survives losing its connections and resumes on its own", { skip: unavailable ?? false }, () => {
  let cluster: OwnPostgres;
  let smtp: SmtpCapture;
  let service: SpawnedService;
  let loadCustomer = { loginId: "", email: "" };
  let passwordHash = "";

  async function addCustomer(label: string): Promise<{ loginId: string; email: string }> {
    const database = openDatabase(cluster.url);
    try {
      const loginId = `fo${label}${randomUUID().slice(0, 6)}`;
      const email = `${loginId}@example.co.jp`;
      await createCustomerStore(database.db).create({ id: randomUUID(), loginId, email, name: "障害 太郎", passwordHash, mfaEnabled: true, createdAt: Date.now() });
      return { loginId, email };
    } finally {
      await database.close();
    }
  }

  async function login(loginId: string, client = new ApiClient()): Promise<Answer> {
    const started = performance.now();
    try {
      const answer = await client.call(service.url, "POST", "/api/v1/login", { loginId, password: PASSWORD });
      return { at: Date.now(), status: answer.status, code: answer.json["error"]?.["code"] ?? null, ms: performance.now() - started };
    } catch {
      // The connection itself failed: the process is gone (the bug this test guards).
      return { at: Date.now(), status: 0, code: null, ms: performance.now() - started };
    }
  }

  /** Parallel logins until stopped; every answer kept. */
  function startLoad(): { answers: Answer[]; stop: () => Promise<Answer[]> } {
    const answers: Answer[] = [];
    let running = true;
    const workers = Array.from({ length: LOAD_WORKERS }, async () => {
      while (running) {
        answers.push(await login(loadCustomer.loginId));
      }
    });
    return {
      answers,
      async stop(): Promise<Answer[]> {
        running = false;
        await Promise.all(workers);
        return answers;
      },
    };
  }

  function assertAlive(): void {
    assert.equal(service.process.exitCode, null, `the service is still running; its output:\n${service.output()}`);
    assert.doesNotMatch(service.output(), /Unhandled 'error' event/u);
  }

  async function codeMailFor(email: string, timeoutMs: number): Promise<string> {
    const mail = await smtp.waitFor((caught) => caught.to === email && caught.subject === CODE_SUBJECT, timeoutMs);
    return /認証コード: (\d{6})/u.exec(mail.text)?.[1] ?? "";
  }

  before(async () => {
    cluster = await OwnPostgres.create();
    smtp = new SmtpCapture();
    await smtp.listen();
    const database = openDatabase(cluster.url);
    await migrateToLatest(database.db, database.dialect);
    await database.close();
    passwordHash = await createArgon2Hasher({ memoryKiB: 19456, timeCost: 2, parallelism: 1 }).hash(PASSWORD);
    loadCustomer = await addCustomer("load");
    service = await spawnService({
      DATABASE_URL: cluster.url,
      SMTP_URL: smtp.url,
      SERVER_SECRET: "postgres-failover-test-secret-0123456789abcdef",
      RATE_LIMIT_PASSWORD_PER_IP: "1000000/300",
      RATE_LIMIT_PASSWORD_PER_LOGIN_ID: "1000000/300",
      RATE_LIMIT_CODE_MAILS_PER_CUSTOMER: "1000000/300",
      RATE_LIMIT_CODE_PER_IP: "1000000/300",
    });
  });

  after(async () => {
    const exitCode = await service?.stop();
    await smtp?.close();
    await cluster?.destroy();
    assert.equal(exitCode, 0, "the service shut down cleanly");
  });

  it("pg_terminate_backend on every connection under load: the process lives and logins succeed again", async () => {
    const load = startLoad();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const terminatedAt = Date.now();
    const ended = await cluster.terminateBackends();
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const answers = await load.stop();

    assert.ok(ended > 0, "the service had connections to end");
    assertAlive();
    for (const answer of answers) {
      assert.ok(answer.status === 200 || (answer.status === 503 && answer.code === "5000"), `every login answered 200, or 503 [5000]; got ${answer.status} [${answer.code}]`);
    }
    assert.ok(answers.some((answer) => answer.at > terminatedAt + 200 && answer.status === 200), "logins succeed again after the connections were ended");
  });

  it("a restart of PostgreSQL: 503 [5000] within 2 s and /readyz says database while it is down; service resumes by itself, the outbox too", async () => {
    const load = startLoad();
    await new Promise((resolve) => setTimeout(resolve, 500));
    await cluster.stop();
    const stoppedAt = performance.now();

    // While it is down: a login and the readiness probe.
    const [during, ready] = await Promise.all([
      login(loadCustomer.loginId),
      (async () => {
        const started = performance.now();
        const response = await fetch(`${service.url}/readyz`);
        return { status: response.status, body: (await response.json()) as { failed?: string[] }, ms: performance.now() - started };
      })(),
    ]);
    assert.equal(during.status, 503, "a login while PostgreSQL is down answers 503");
    assert.equal(during.code, "5000");
    assert.ok(during.ms < OUTAGE_ANSWER_MS, `the login answered in ${Math.round(during.ms)} ms, not hanging`);
    assert.equal(ready.status, 503, "/readyz answers 503 while the database is down");
    assert.deepEqual(ready.body.failed, ["database"]);
    assert.ok(ready.ms < OUTAGE_ANSWER_MS + 500, `/readyz answered in ${Math.round(ready.ms)} ms`);

    // The 0.3 s restart.
    const elapsed = performance.now() - stoppedAt;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, 300 - elapsed)));
    await cluster.start();
    const restartedAt = Date.now();
    const deadline = Date.now() + 15_000;
    while (!load.answers.some((answer) => answer.at > restartedAt && answer.status === 200) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const answers = await load.stop();

    assertAlive();
    assert.ok(answers.some((answer) => answer.at > restartedAt && answer.status === 200), "logins succeed again after the restart, with no restart of the service");
    const outage = answers.filter((answer) => answer.status !== 200);
    for (const answer of outage) {
      assert.equal(answer.status, 503, `a login during the outage answered ${answer.status} [${answer.code}]`);
      assert.equal(answer.code, "5000");
      assert.ok(answer.ms < OUTAGE_ANSWER_MS, `a login during the outage took ${Math.round(answer.ms)} ms`);
    }

    // The outbox worker survived too: a code queued now is delivered and logs the customer in.
    const fresh = await addCustomer("after");
    const client = new ApiClient();
    assert.equal((await login(fresh.loginId, client)).status, 200);
    const code = await codeMailFor(fresh.email, 15_000);
    const mfa = await client.call(service.url, "POST", "/api/v1/login/mfa", { code });
    assert.equal(mfa.status, 200, "the code mailed after the restart logs the customer in");
    assert.equal((await fetch(`${service.url}/readyz`)).status, 200, "/readyz is ready again");
    assertAlive();
  });
});

if (unavailable !== null) {
  describe("PostgreSQL failover", () => {
    it(`skipped: ${unavailable}`, { skip: unavailable }, () => undefined);
  });
}
