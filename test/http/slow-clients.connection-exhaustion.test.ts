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

// Issue 17 item 5: 950 sockets sending a byte every 2 s and reopening as they were cut kept /healthz
// unanswered for 60 s. Scaled down: the attacker has twice the total cap, the timeouts are short.
const ATTACK_LIMITS = { REQUEST_TIMEOUT_SECONDS: "2", HEADERS_TIMEOUT_SECONDS: "1", MAX_CONNECTIONS: "60", MAX_CONNECTIONS_PER_ADDRESS: "10" };
const ATTACKER_SOCKETS = 120;
const ATTACK_MS = 5000;
// Loopback is 127.0.0.0/8 on Linux: binding the client's end to another address makes another client.
const ATTACKER_ADDRESS = "127.0.0.2";
const OTHER_ADDRESS = "127.0.0.3";
// Answered, not merely eventually: generous for two busy cores (a login spends an argon2 hash).
const PROMPT_MS = 1500;

/**
 * One attacker's socket: a login body promised and trickled a byte at a time, reopened
 * 20 ms after the server closes it (or refuses it), until `until`. How many times it connected.
 */
async function trickleAndReconnect(port: number, until: number): Promise<number> {
  let connections = 0;
  while (Date.now() < until) {
    connections += 1;
    await new Promise<void>((done) => {
      const socket = connect({ host: "127.0.0.1", port, localAddress: ATTACKER_ADDRESS });
      let timer: NodeJS.Timeout | undefined;
      const stop = (): void => {
        clearInterval(timer);
        socket.destroy();
        done();
      };
      socket.on("connect", () => {
        socket.write("POST /api/v1/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{");
        timer = setInterval(() => (Date.now() < until ? socket.write(" ") : stop()), 300);
      });
      socket.on("error", stop);
      socket.on("close", stop);
      socket.resume();
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return connections;
}

/** One request from OTHER_ADDRESS on a connection of its own: status (null: dropped or no answer) and time taken. */
function timedRequest(port: number, path: string, body?: string): Promise<{ status: number | null; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        path,
        method: body === undefined ? "GET" : "POST",
        localAddress: OTHER_ADDRESS,
        agent: false,
        timeout: 3000,
        headers: { connection: "close", ...(body === undefined ? {} : { "content-type": "application/json" }) },
      },
      (response) => {
        response.resume();
        response.on("end", () => resolve({ status: response.statusCode ?? null, ms: Date.now() - started }));
      },
    );
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve({ status: null, ms: Date.now() - started }));
    req.end(body);
  });
}

describe("an attacker who reopens slow connections from one address cannot take the service from others (issue 17 item 5)", () => {
  const t = sharedTestService({ env: ATTACK_LIMITS });
  let port: number;
  before(async () => {
    await t.service.app.listen({ host: "127.0.0.1", port: 0 });
    port = (t.service.app.server.address() as AddressInfo).port;
  });

  it(`with ${ATTACKER_SOCKETS} trickling sockets from ${ATTACKER_ADDRESS} (twice MAX_CONNECTIONS), /healthz, /readyz and a login from ${OTHER_ADDRESS} answer promptly`, async () => {
    const customer = await t.addCustomer();
    const until = Date.now() + ATTACK_MS;
    const attack = Promise.all(Array.from({ length: ATTACKER_SOCKETS }, () => trickleAndReconnect(port, until)));
    // Let the attacker fill what it can.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const answers: Array<{ what: string; status: number | null; ms: number }> = [];
    while (Date.now() < until - 300) {
      answers.push({ what: "/healthz", ...(await timedRequest(port, "/healthz")) });
      answers.push({ what: "/readyz", ...(await timedRequest(port, "/readyz")) });
      if (answers.length % 6 === 2) {
        const login = await timedRequest(port, "/api/v1/login", JSON.stringify({ loginId: customer.loginId, password: customer.password }));
        answers.push({ what: "login", ...login });
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const open = await connectionCount(t);
    const connections = (await attack).reduce((sum, n) => sum + n, 0);

    assert.ok(answers.length >= 10, `only ${answers.length} requests made in the attack`);
    assert.ok(answers.some((answer) => answer.what === "login"), "a login was tried during the attack");
    const late = answers.filter((answer) => answer.status !== 200 || answer.ms > PROMPT_MS);
    assert.deepEqual(late, [], `requests from ${OTHER_ADDRESS} dropped or slow while the attacker made ${connections} connections`);
    assert.ok(connections > ATTACKER_SOCKETS, "the attacker reconnected as its sockets were cut");
    assert.ok(open <= Number(ATTACK_LIMITS.MAX_CONNECTIONS_PER_ADDRESS) + 2, `${open} connections open at the end: the attacker holds more than its address's share`);
  });
});

describe("behind a trusted proxy, the proxy's connections are not limited per address (they carry many customers)", () => {
  const clients: SlowClient[] = [];
  after(() => {
    for (const client of clients) {
      client.socket.destroy();
    }
  });
  // The proxy is 127.0.0.1 (every test socket comes from it); its share would be 2.
  const t = sharedTestService({ env: { TRUST_PROXY: "127.0.0.0/8", MAX_CONNECTIONS_PER_ADDRESS: "2", MAX_CONNECTIONS: "50" } });
  let port: number;
  before(async () => {
    await t.service.app.listen({ host: "127.0.0.1", port: 0 });
    port = (t.service.app.server.address() as AddressInfo).port;
  });

  it("answers /healthz from the proxy's address while it holds more than MAX_CONNECTIONS_PER_ADDRESS", async () => {
    for (let i = 0; i < 4; i += 1) {
      clients.push(await slowBody(port));
    }
    assert.equal(await healthz(port), 200);
  });
});

describe("the console's own listener (CONSOLE_LISTEN, internal) has no per-address limit: a call center may share one address", () => {
  const clients: SlowClient[] = [];
  after(() => {
    for (const client of clients) {
      client.socket.destroy();
    }
  });
  const t = sharedTestService({ env: { CONSOLE_LISTEN: "127.0.0.1:0", CONSOLE_PUBLIC_URL: "http://127.0.0.1:3001", MAX_CONNECTIONS_PER_ADDRESS: "2", MAX_CONNECTIONS: "50" } });
  let publicPort: number;
  let consolePort: number;
  before(async () => {
    const consoleApp = t.service.consoleApp;
    assert.ok(consoleApp !== null);
    await t.service.app.listen({ host: "127.0.0.1", port: 0 });
    await consoleApp.listen({ host: "127.0.0.1", port: 0 });
    publicPort = (t.service.app.server.address() as AddressInfo).port;
    consolePort = (consoleApp.server.address() as AddressInfo).port;
  });

  it("answers /healthz on the console's listener beyond MAX_CONNECTIONS_PER_ADDRESS, while the public listener refuses the same", async () => {
    for (let i = 0; i < 4; i += 1) {
      clients.push(await slowBody(consolePort), await slowBody(publicPort));
    }
    assert.equal(await healthz(consolePort), 200);
    assert.equal(await healthz(publicPort), null);
  });
});
