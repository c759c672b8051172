import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { startTestService } from "../support/test-service.ts";
import type { TestService } from "../support/test-service.ts";
import { createTestSchema } from "../support/postgres.ts";
import type { TestSchema } from "../support/postgres.ts";
import { createCustomerStore } from "../../src/adapters/db/customer-store.ts";

const THRESHOLD = 10;
const WRONG_ATTEMPTS = 19;

interface Backend {
  name: string;
  start(): Promise<TestService>;
}

const schemas: TestSchema[] = [];
const BACKENDS: Backend[] = [
  { name: "SQLite", start: () => raceService({}) },
  {
    name: "PostgreSQL",
    async start(): Promise<TestService> {
      const schema = await createTestSchema();
      schemas.push(schema);
      return raceService({ DATABASE_URL: schema.url });
    },
  },
];

/** Limits wide open: the lockout alone must hold under concurrency. */
function raceService(env: Record<string, string>): Promise<TestService> {
  return startTestService({
    env: { LOCKOUT_THRESHOLD: String(THRESHOLD), RATE_LIMIT_PASSWORD_PER_LOGIN_ID: "1000/60", RATE_LIMIT_PASSWORD_PER_IP: "1000/60", ...env },
  });
}

for (const backend of BACKENDS) {
  describe(`concurrent wrong passwords cannot race past the lockout (${backend.name})`, () => {
    let t: TestService;
    after(async () => {
      await t.close();
      for (const schema of schemas.splice(0)) {
        await schema.drop();
      }
    });

    /** 19 wrong passwords at once, the right one sent last; returns every answer's status and error code. */
    async function race(loginId: string, password: string): Promise<{ wrong: string[]; right: { status: number; body: Record<string, any> } }> {
      const attempts = Array.from({ length: WRONG_ATTEMPTS }, (_, i) =>
        t.client().post("/api/v1/login", { json: { loginId, password: `wrong password ${i}` } }),
      );
      const rightAttempt = t.client().post("/api/v1/login", { json: { loginId, password } });
      const wrong = (await Promise.all(attempts)).map((response) => `${response.statusCode} ${response.json().error?.code}`);
      const right = await rightAttempt;
      return { wrong, right: { status: right.statusCode, body: right.json() } };
    }

    it("answers [5101] at most threshold − 1 times, [5102] after, and the right password sent last gets [5102] and no code mail", async () => {
      t = await backend.start();
      const customer = await t.addCustomer();
      const { wrong, right } = await race(customer.loginId, customer.password);
      const sorted = [...wrong].sort();
      assert.ok(wrong.filter((answer) => answer === "401 5101").length <= THRESHOLD - 1, `at most ${THRESHOLD - 1} say "wrong password": ${sorted.join(", ")}`);
      assert.equal(wrong.filter((answer) => answer !== "401 5101" && answer !== "423 5102").length, 0, sorted.join(", "));
      assert.equal(right.status, 423, `the right password on a locked account: ${JSON.stringify(right.body)}`);
      assert.equal(right.body.error?.code, "5102");
      await t.service.worker.stop({ drainForMs: 2000 });
      const mails = t.smtp.mails.filter((mail) => mail.to === customer.email).map((mail) => mail.subject);
      assert.deepEqual(mails, ["【OKB証券】口座ロックのお知らせ"], "one lock notice, no code mail");
      const stored = await createCustomerStore(t.service.database.db).findById(customer.customer.id);
      assert.equal(stored?.failedCount, THRESHOLD, "failures after the lock are refused, not counted");
      const events = (await t.auditEvents(customer.customer.id)).map((event) => event.event);
      assert.equal(events.filter((event) => event === "account.locked").length, 1);
      assert.equal(events.filter((event) => event === "code.sent").length, 0);
    });

    it("with MFA off, the right password sent last gets [5102] and no session", async () => {
      const customer = await t.addCustomer({ mfaEnabled: false });
      const { right } = await race(customer.loginId, customer.password);
      assert.equal(right.status, 423, JSON.stringify(right.body));
      const events = (await t.auditEvents(customer.customer.id)).map((event) => event.event);
      assert.equal(events.filter((event) => event === "session.created").length, 0);
    });
  });
}
