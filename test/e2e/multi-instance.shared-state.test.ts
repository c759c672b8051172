import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { openDatabase } from "../../src/adapters/db/connect.ts";
import type { DatabaseHandle } from "../../src/adapters/db/connect.ts";
import { migrateToLatest } from "../../src/adapters/db/migrate.ts";
import { createCustomerStore } from "../../src/adapters/db/stores/customer-store.ts";
import { createArgon2Hasher } from "../../src/adapters/crypto/argon2-hasher.ts";
import { ApiClient } from "../support/api-client.ts";
import { wrongCodeFor } from "../support/codes.ts";
import { createTestSchema } from "../support/postgres.ts";
import type { TestSchema } from "../support/postgres.ts";
import { REDIS_TEST_URL } from "../support/backends.ts";
import { spawnService } from "../support/spawned-service.ts";
import { SmtpCapture } from "../support/smtp-capture.ts";
import type { SpawnedService } from "../support/spawned-service.ts";

const PASSWORD = "shared instance password";
const STORM = 200;

/**
 * Two real processes behind an imaginary load balancer, sharing one PostgreSQL
 * and one Redis (DESIGN §6: every instance is stateless).
 */
describe("two instances share PostgreSQL and Redis", () => {
  let schema: TestSchema;
  let smtp: SmtpCapture;
  let database: DatabaseHandle;
  let a: SpawnedService;
  let b: SpawnedService;
  let counter = 0;

  /** A customer written straight into the shared database (one hash for all: they share a password). */
  let passwordHash = "";
  async function addCustomer(): Promise<{ loginId: string; email: string }> {
    counter += 1;
    const loginId = `multi${counter}`;
    const email = `${loginId}@example.co.jp`;
    await createCustomerStore(database.db).create({
      id: randomUUID(),
      loginId,
      email,
      name: "多重 太郎",
      passwordHash,
      mfaEnabled: true,
      createdAt: Date.now(),
    });
    return { loginId, email };
  }

  async function codeFor(email: string, n = 1): Promise<string> {
    // Code mails only: a lock notice to the same address is not one.
    const mine = () => smtp.mails.filter((mail) => mail.to === email && mail.subject === "【OKB証券】認証コードのお知らせ");
    await smtp.waitFor(() => mine().length >= n, 15_000);
    return /認証コード: (\d{6})/.exec(mine()[n - 1]?.text ?? "")?.[1] ?? "";
  }

  before(async () => {
    schema = await createTestSchema();
    smtp = new SmtpCapture();
    await smtp.listen();
    database = openDatabase(schema.url);
    await migrateToLatest(database.db, database.dialect);
    passwordHash = await createArgon2Hasher({ memoryKiB: 19456, timeCost: 2, parallelism: 1 }).hash(PASSWORD);
    const env = {
      DATABASE_URL: schema.url,
      REDIS_URL: REDIS_TEST_URL,
      REDIS_PREFIX: `multi-${randomUUID()}:`,
      SMTP_URL: smtp.url,
      SERVER_SECRET: "multi-instance-test-secret-0123456789abcdef",
      RATE_LIMIT_PASSWORD_PER_IP: "100000/300",
      RATE_LIMIT_CODE_PER_IP: "100000/300",
    };
    [a, b] = await Promise.all([spawnService(env), spawnService(env)]);
  });

  after(async () => {
    const codes = await Promise.all([a?.stop(), b?.stop()]);
    await database?.close();
    await smtp?.close();
    await schema?.drop();
    assert.deepEqual(codes, [0, 0], "both instances shut down cleanly");
  });

  it("accepts on B a code sent through A", async () => {
    const customer = await addCustomer();
    const app = new ApiClient();
    const login = await app.call(a.url, "POST", "/api/v1/login", { loginId: customer.loginId, password: PASSWORD });
    assert.equal(login.json["status"], "mfa_required");
    const mfa = await app.call(b.url, "POST", "/api/v1/login/mfa", { code: await codeFor(customer.email) });
    assert.equal(mfa.status, 200);
    assert.equal((await app.call(a.url, "GET", "/api/v1/session")).json["loginId"], customer.loginId, "the session works on A too");
  });

  it("refuses on A a code superseded by a login on B", async () => {
    const customer = await addCustomer();
    const first = new ApiClient();
    await first.call(a.url, "POST", "/api/v1/login", { loginId: customer.loginId, password: PASSWORD });
    const oldCode = await codeFor(customer.email, 1);
    const second = new ApiClient();
    await second.call(b.url, "POST", "/api/v1/login", { loginId: customer.loginId, password: PASSWORD });
    const stale = await first.call(a.url, "POST", "/api/v1/login/mfa", { code: oldCode });
    assert.equal(stale.status, 401);
    assert.equal(stale.json["error"]["code"], "5121");
    assert.match(stale.json["error"]["hint"], /新しい認証コード/);
    assert.equal((await second.call(a.url, "POST", "/api/v1/login/mfa", { code: await codeFor(customer.email, 2) })).status, 200);
  });

  it("shares the code-mail rate limit: the 6th mail in 15 minutes is refused whichever instance is asked", async () => {
    const customer = await addCustomer();
    for (let n = 1; n <= 5; n += 1) {
      const target = n % 2 === 0 ? b : a;
      assert.equal((await new ApiClient().call(target.url, "POST", "/api/v1/login", { loginId: customer.loginId, password: PASSWORD })).status, 200, `login ${n}`);
    }
    for (const target of [a, b]) {
      const refused = await new ApiClient().call(target.url, "POST", "/api/v1/login", { loginId: customer.loginId, password: PASSWORD });
      assert.equal(refused.status, 429);
      assert.equal(refused.json["error"]["code"], "5125");
    }
  });

  it("shares the lockout count: wrong passwords on A and B and wrong codes together lock the account", async () => {
    const customer = await addCustomer();
    for (let i = 0; i < 6; i += 1) {
      const target = i % 2 === 0 ? a : b;
      assert.equal((await new ApiClient().call(target.url, "POST", "/api/v1/login", { loginId: customer.loginId, password: "wrong password" })).status, 401);
    }
    const app = new ApiClient();
    await app.call(a.url, "POST", "/api/v1/login", { loginId: customer.loginId, password: PASSWORD });
    const code = await codeFor(customer.email);
    for (let i = 0; i < 3; i += 1) {
      assert.equal((await app.call(b.url, "POST", "/api/v1/login/mfa", { code: wrongCodeFor(code) })).json["error"]["code"], "5121");
    }
    const tenth = await app.call(a.url, "POST", "/api/v1/login/mfa", { code: wrongCodeFor(code) });
    assert.equal(tenth.status, 423, "the 10th failure, counted across both instances, locks");
    for (const target of [a, b]) {
      const locked = await new ApiClient().call(target.url, "POST", "/api/v1/login", { loginId: customer.loginId, password: PASSWORD });
      assert.equal(locked.status, 423);
      assert.equal(locked.json["error"]["code"], "5102");
    }
  });

  it(`delivers exactly ${STORM} code mails for ${STORM} logins spread across both instances`, async () => {
    const customers = [];
    for (let i = 0; i < STORM; i += 1) {
      customers.push(await addCustomer());
    }
    const before = smtp.mails.length;
    const queue = [...customers.entries()];
    const worker = async (): Promise<void> => {
      for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
        const [index, customer] = next;
        const response = await new ApiClient().call(index % 2 === 0 ? a.url : b.url, "POST", "/api/v1/login", { loginId: customer.loginId, password: PASSWORD });
        assert.equal(response.status, 200, JSON.stringify(response.json));
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    await smtp.waitFor(() => smtp.mails.length - before >= STORM, 60_000);
    // Count once both instances have recorded every delivery: a mail still pending (leased or not) could yet go out twice.
    const deadline = Date.now() + 15_000;
    for (;;) {
      const pending = await database.db.selectFrom("mail_outbox").select("id").where("status", "=", "pending").execute();
      if (pending.length === 0) {
        break;
      }
      assert.ok(Date.now() < deadline, `${pending.length} mails still pending 15 s after the last one arrived`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const stormMails = smtp.mails.slice(before);
    assert.equal(stormMails.length, STORM);
    assert.equal(new Set(stormMails.map((mail) => mail.to)).size, STORM, "each customer exactly one mail");
  });
});
