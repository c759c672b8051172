import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { startTestService } from "../support/test-service.ts";
import type { TestService } from "../support/test-service.ts";

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe("/readyz: ready only when the database, Redis and SMTP answer", () => {
  const started: TestService[] = [];
  const start = async (env?: Record<string, string>): Promise<TestService> => {
    const t = await startTestService({ env });
    started.push(t);
    return t;
  };
  after(async () => {
    for (const t of started) {
      await t.close();
    }
  });

  const readyz = async (t: TestService): Promise<{ status: number; body: Record<string, unknown>; text: string }> => {
    const response = await t.service.app.inject({ method: "GET", url: "/readyz" });
    return { status: response.statusCode, body: response.json(), text: response.body };
  };

  it("answers 200 when every dependency answers", async () => {
    const t = await start();
    const { status, body } = await readyz(t);
    assert.equal(status, 200);
    assert.deepEqual(body, { status: "ok" });
    assert.equal((await t.service.app.inject({ method: "GET", url: "/healthz" })).statusCode, 200);
  });

  it("answers 503 naming smtp when the SMTP server is gone, and nothing of its address", async () => {
    const t = await start();
    await t.smtp.close();
    const { status, body, text } = await readyz(t);
    assert.equal(status, 503);
    assert.deepEqual(body, { status: "unavailable", failed: ["smtp"] });
    assert.doesNotMatch(text, /127\.0\.0\.1|smtp:\/\/|ECONNREFUSED/);
    assert.equal((await t.service.app.inject({ method: "GET", url: "/healthz" })).statusCode, 200, "the process itself is fine");
  });

  it("answers 503 naming redis when REDIS_URL points at nothing, and nothing of the URL", async () => {
    const port = await closedPort();
    const t = await start({ REDIS_URL: `redis://:sekrit-password@127.0.0.1:${port}/0` });
    const started = Date.now();
    const { status, body, text } = await readyz(t);
    assert.equal(status, 503);
    assert.deepEqual(body, { status: "unavailable", failed: ["redis"] });
    assert.doesNotMatch(text, /sekrit|redis:\/\/|127\.0\.0\.1/);
    assert.ok(Date.now() - started < 5000, "a probe does not hang on a dead Redis");
  });

  it("answers 503 naming database when the database is gone", async () => {
    const t = await start();
    await t.service.database.close();
    const { status, body } = await readyz(t);
    assert.equal(status, 503);
    assert.deepEqual(body, { status: "unavailable", failed: ["database"] });
  });
});
