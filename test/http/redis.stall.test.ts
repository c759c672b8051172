import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { OwnRedis, ownRedisUnavailable } from "../support/own-redis.ts";
import { TestService } from "../support/test-service.ts";
import type { TestCustomer } from "../support/test-service.ts";

// Issue 17 §4: a Redis that stalls must not hold requests; they fail closed within 2 s.
const FAIL_CLOSED_MS = 2000;
// Before the fix a request waited as long as Redis stalled (42 s seen): stop waiting here and call it a hang.
const HANG_MS = 6000;

interface Answer {
  status: number;
  code: string | null;
  ms: number;
}

const unavailable = ownRedisUnavailable();

/**
 * Rate-limit counters in a Redis of the test's own, stopped with SIGSTOP: the kernel
 * still accepts its connections, nothing answers (issue 17 §4: 42 s per request seen).
 * Every login needs the counters, so it must fail closed (503 [5000], never let a
 * guess through uncounted), fast; /readyz names redis; SIGCONT and the service resumes.
 */
describe("a Redis that accepts connections but never answers: requests fail closed within 2 s, and resume", { skip: unavailable ?? false }, () => {
  let redis: OwnRedis;
  const t = new TestService(() => ({ env: { REDIS_URL: redis.url, REDIS_PREFIX: `stall-${randomUUID()}:` } }));
  let customer: TestCustomer;

  async function login(): Promise<Answer> {
    const started = performance.now();
    const answer = t.client().post("/api/v1/login", { json: { loginId: customer.loginId, password: customer.password } });
    const hang = new Promise<null>((resolve) => setTimeout(() => resolve(null), HANG_MS).unref());
    const response = await Promise.race([answer, hang]);
    const ms = performance.now() - started;
    if (response === null) {
      return { status: 0, code: `no answer within ${HANG_MS} ms`, ms };
    }
    return { status: response.statusCode, code: (response.json() as { error?: { code?: string } }).error?.code ?? null, ms };
  }

  async function readyz(): Promise<{ status: number; failed: string[] | undefined; ms: number }> {
    const started = performance.now();
    const response = await t.service.app.inject({ method: "GET", url: "/readyz" });
    return { status: response.statusCode, failed: (response.json() as { failed?: string[] }).failed, ms: performance.now() - started };
  }

  before(async () => {
    redis = await OwnRedis.start();
    await t.start();
    customer = await t.addCustomer();
  });

  after(async () => {
    redis?.resume();
    await t.close();
    await redis?.stop();
  });

  it("answers 503 [5000] within 2 s while Redis is stopped, /readyz names redis, and logs in again after SIGCONT", async () => {
    assert.equal((await login()).status, 200, "logins work while Redis answers");

    redis.pause();
    try {
      // Two rounds of parallel logins: one on the connection as it was, one a second later.
      const answers: Answer[] = [];
      for (let round = 0; round < 2; round += 1) {
        answers.push(...(await Promise.all(Array.from({ length: 5 }, () => login()))));
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
      for (const answer of answers) {
        assert.equal(answer.status, 503, `a login while Redis stalls answered ${answer.status} [${answer.code}] after ${Math.round(answer.ms)} ms`);
        assert.equal(answer.code, "5000");
        assert.ok(answer.ms < FAIL_CLOSED_MS, `a login while Redis stalls took ${Math.round(answer.ms)} ms`);
      }
      const ready = await readyz();
      assert.equal(ready.status, 503);
      assert.deepEqual(ready.failed, ["redis"]);
      assert.ok(ready.ms < FAIL_CLOSED_MS + 500, `/readyz answered in ${Math.round(ready.ms)} ms`);
    } finally {
      redis.resume();
    }

    // The service resumes by itself: no restart, no operator.
    const deadline = Date.now() + 10_000;
    let last = await login();
    while (last.status !== 200 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      last = await login();
    }
    assert.equal(last.status, 200, `logins succeed again after SIGCONT (last: ${last.status} [${last.code}])`);
    assert.equal((await readyz()).status, 200, "/readyz is ready again");
  });
});

if (unavailable !== null) {
  describe("a stalled Redis", () => {
    it(`skipped: ${unavailable}`, { skip: unavailable }, () => undefined);
  });
}
