import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { sharedTestService } from "../support/test-service.ts";

describe("load shedding when password hashing is saturated", () => {
  const t = sharedTestService({ env: { HASH_MAX_IN_FLIGHT: "1", HASH_MAX_QUEUE: "3", RATE_LIMIT_PASSWORD_PER_IP: "10000/60" } });

  it("answers 503 with Retry-After beyond the queue, and stays responsive meanwhile", async () => {
    const customer = await t.addCustomer();
    const browsers = await Promise.all(
      Array.from({ length: 12 }, async (_, i) => {
        const browser = t.client({ ip: `10.0.0.${i + 1}` });
        await browser.get("/login");
        return browser;
      }),
    );
    let finished = 0;
    const logins = browsers.map((browser) =>
      browser.post("/login", { form: { loginId: customer.loginId, password: "wrong password" } }).finally(() => {
        finished += 1;
      }),
    );
    // While the hashes run, the event loop still answers a health check.
    const health = await t.service.app.inject({ method: "GET", url: "/healthz" });
    assert.equal(health.statusCode, 200);
    assert.ok(finished < logins.length, "the health check came back before the hash queue drained");
    const responses = await Promise.all(logins);
    const shed = responses.filter((response) => response.statusCode === 503);
    const served = responses.filter((response) => response.statusCode === 401);
    assert.equal(served.length, 4, "1 running + 3 queued are served");
    assert.equal(shed.length, 8);
    for (const response of shed) {
      assert.equal(response.headers["retry-after"], "1");
      assert.match(response.body, /\[5124\] ただいまアクセスが集中しています。/);
    }
    assert.equal(t.service.hashGate.stats().shed, 8);
    assert.equal(t.service.hashGate.stats().inFlight, 0);
  });
});
