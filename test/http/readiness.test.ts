import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { startTestService } from "../support/test-service.ts";
import type { TestService } from "../support/test-service.ts";
import { sample } from "../support/prometheus.ts";

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * /readyz takes an instance out of the load balancer. Only what every request
 * needs decides it (the database, Redis): a relay outage must not take out the
 * customers with MFA off, who need no mail. The relay's state is reported
 * beside it, and on /metrics as okb_smtp_up.
 */
describe("/readyz: ready when the database and Redis answer; the SMTP relay reported, not required", () => {
  const readyz = async (t: TestService): Promise<{ status: number; body: Record<string, unknown>; text: string }> => {
    const response = await t.service.app.inject({ method: "GET", url: "/readyz" });
    return { status: response.statusCode, body: response.json(), text: response.body };
  };

  const smtpUp = async (t: TestService): Promise<number | null> => sample((await t.service.app.inject({ method: "GET", url: "/metrics" })).body, "okb_smtp_up");

  it("answers 200 when every dependency answers, the relay too", async (context) => {
    const t = await startTestService(context);
    const { status, body } = await readyz(t);
    assert.equal(status, 200);
    assert.deepEqual(body, { status: "ok", smtp: "ok" });
    assert.equal(await smtpUp(t), 1);
    assert.equal((await t.service.app.inject({ method: "GET", url: "/healthz" })).statusCode, 200);
  });

  it("stays ready (200) when the SMTP relay is gone, saying so in the body and as okb_smtp_up 0, and nothing of its address", async (context) => {
    const t = await startTestService(context);
    await t.smtp.close();
    const { status, body, text } = await readyz(t);
    assert.equal(status, 200, "customers with MFA off need no mail: the instance stays in the load balancer");
    assert.deepEqual(body, { status: "ok", smtp: "unavailable" });
    assert.doesNotMatch(text, /127\.0\.0\.1|smtp:\/\/|ECONNREFUSED/);
    assert.equal(await smtpUp(t), 0);
    assert.equal((await t.service.app.inject({ method: "GET", url: "/healthz" })).statusCode, 200, "the process itself is fine");
  });

  it("answers 503 naming redis when REDIS_URL points at nothing, and nothing of the URL", async (context) => {
    const port = await closedPort();
    const t = await startTestService(context, { env: { REDIS_URL: `redis://:sekrit-password@127.0.0.1:${port}/0` } });
    const started = Date.now();
    const { status, body, text } = await readyz(t);
    assert.equal(status, 503);
    assert.deepEqual(body, { status: "unavailable", failed: ["redis"], smtp: "ok" });
    assert.doesNotMatch(text, /sekrit|redis:\/\/|127\.0\.0\.1/);
    assert.ok(Date.now() - started < 5000, "a probe does not hang on a dead Redis");
  });

  it("answers 503 naming database when the database is gone", async (context) => {
    const t = await startTestService(context);
    await t.service.database.close();
    const { status, body } = await readyz(t);
    assert.equal(status, 503);
    assert.deepEqual(body, { status: "unavailable", failed: ["database"], smtp: "ok" });
  });
});
