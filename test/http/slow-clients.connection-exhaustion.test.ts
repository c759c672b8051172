import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { request } from "node:http";
import { connect } from "node:net";
import type { AddressInfo, Socket } from "node:net";
import { sharedTestService } from "../support/test-service.ts";
import type { TestService } from "../support/test-service.ts";

// Short, so the test takes seconds; production uses the defaults (README).
const TEST_LIMITS = { REQUEST_TIMEOUT_SECONDS: "1", MAX_CONNECTIONS: "5" };
// The request timeout, plus Node's next check of it (every second), plus slack for a busy machine.
const CUT_WITHIN_MS = 6000;

interface SlowClient {
  socket: Socket;
  /** Everything the server sent back. */
  received(): string;
  /** Resolves when the server has closed the connection. */
  closed: Promise<void>;
}

/** Headers promising a 100-byte body, one byte of it, then nothing: the slow-body attack. */
function slowBody(port: number): Promise<SlowClient> {
  return new Promise((resolve, reject) => {
    let received = "";
    const socket = connect({ host: "127.0.0.1", port }, () => {
      socket.write("POST /api/v1/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{");
      resolve({ socket, received: () => received, closed });
    });
    const closed = new Promise<void>((done) => socket.on("close", () => done()));
    socket.setEncoding("utf8").on("data", (chunk: string) => {
      received += chunk;
    });
    socket.on("error", reject);
  });
}

/** GET /healthz on a connection of its own; the status, or null when the connection was dropped. */
function healthz(port: number): Promise<number | null> {
  return new Promise((resolve) => {
    const req = request({ host: "127.0.0.1", port, path: "/healthz", agent: false, headers: { connection: "close" }, timeout: 2000 }, (response) => {
      response.resume();
      response.on("end", () => resolve(response.statusCode ?? null));
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(null));
    req.end();
  });
}

/** Resolves true once `done` settles, false if `ms` pass first. */
async function settlesWithin(done: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const result = await Promise.race([done.then(() => true), timeout]);
  clearTimeout(timer);
  return result;
}

async function connectionCount(t: TestService): Promise<number> {
  return new Promise((resolve, reject) => t.service.app.server.getConnections((error, count) => (error ? reject(error) : resolve(count))));
}

describe("slow clients cannot hold connections until the server runs out of them", () => {
  const clients: SlowClient[] = [];
  // Before the close: the server waits for open connections.
  after(() => {
    for (const client of clients) {
      client.socket.destroy();
    }
  });
  const t = sharedTestService({ env: TEST_LIMITS });
  let port: number;
  before(async () => {
    await t.service.app.listen({ host: "127.0.0.1", port: 0 });
    port = (t.service.app.server.address() as AddressInfo).port;
  });

  it("answers a body that stalls with 408 and closes the connection after REQUEST_TIMEOUT_SECONDS", async () => {
    const started = Date.now();
    const client = await slowBody(port);
    clients.push(client);
    assert.ok(await settlesWithin(client.closed, CUT_WITHIN_MS), `the connection was still open ${CUT_WITHIN_MS} ms after its one body byte`);
    const took = Date.now() - started;
    assert.ok(took >= 900, `cut after ${took} ms, before the request timeout`);
    assert.match(client.received(), /^HTTP\/1\.1 408 /, "the client is told why");
  });

  it("with MAX_CONNECTIONS held by slow bodies, drops new connections, then answers /healthz again once they are cut", async () => {
    const held: SlowClient[] = [];
    for (let i = 0; i < Number(TEST_LIMITS.MAX_CONNECTIONS); i += 1) {
      held.push(await slowBody(port));
    }
    clients.push(...held);
    const deadline = Date.now() + 2000;
    while ((await connectionCount(t)) < held.length && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    // Beyond the cap Node closes a connection at once: sockets stay for the database, SMTP and Redis.
    assert.equal(await healthz(port), null, "a connection beyond MAX_CONNECTIONS is dropped");

    const started = Date.now();
    let status: number | null = null;
    while (status !== 200 && Date.now() - started < CUT_WITHIN_MS) {
      status = await healthz(port);
      if (status !== 200) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    assert.equal(status, 200, `/healthz still unanswered ${CUT_WITHIN_MS} ms later`);
    for (const client of held) {
      assert.ok(await settlesWithin(client.closed, 1000), "every slow connection was cut");
    }
  });
});
