/**
 * Issue 23: the CPU one request of the login path costs the server's JavaScript thread, beside a bare
 * fastify route measured in the same run (the machine drifts; the ratio does not, much).
 *
 *   npm run bench:requests -- [--requests 200] [--rounds 3] [--warmup 100] [--inject]
 *
 * The real app (test/support/test-service.ts: SQLite, SMTP on loopback, the access log at info into
 * /dev/null through the production destination) listens on loopback; the browsers and smartphone-app
 * clients run in a worker thread (node:http, kept-alive connections), so the main thread's own CPU
 * clock (`process.threadCpuUsage`) counts the server alone, as the storm's per-thread figures do.
 * argon2id runs on libuv's pool and is not in it. `--inject` uses `app.inject` on the main thread
 * instead: no sockets, but the client (light-my-request) is in every figure, the bare route's too.
 *
 * Each round logs in `--requests` new browsers through the pages, then as many app clients through
 * the JSON API, one request kind at a time, and times each kind's batch (sequential requests). Mail
 * delivery (outbox worker, SMTP catcher) runs between batches, untimed. Printed: µs of CPU per
 * request, the median of the rounds, and its ratio to the bare route.
 */
import { createWriteStream } from "node:fs";
import { Agent, request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { parseArgs } from "node:util";
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import Fastify from "fastify";
import type { FastifyInstance } from "fastify";

const USER_AGENT = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";
const CSRF_INPUT = /name="_csrf" value="([^"]*)"/;

interface Answer {
  status: number;
  body: string;
  setCookies: string[];
}

type Send = (method: "GET" | "POST", url: string, headers: Record<string, string>, body: string | undefined) => Promise<Answer>;

/** Who logs in: what the client needs of a customer. */
interface Person {
  loginId: string;
  password: string;
  email: string;
}

/** node:http on loopback with kept-alive connections, as the storm's virtual users. */
function httpSender(port: number): Send {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  return (method, path, headers, body) =>
    new Promise<Answer>((resolve, reject) => {
      const outgoing = httpRequest({ agent, host: "127.0.0.1", port, method, path, headers: body === undefined ? headers : { ...headers, "content-length": String(Buffer.byteLength(body)) } }, (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8"), setCookies: response.headers["set-cookie"] ?? [] }));
        response.on("error", reject);
      });
      outgoing.on("error", reject);
      outgoing.end(body);
    });
}

/** `app.inject` on this thread. */
function injectSender(app: FastifyInstance): Send {
  return async (method, url, headers, body) => {
    const response = await app.inject({ method, url, headers, payload: body, remoteAddress: "127.0.0.1" });
    const setCookie = response.headers["set-cookie"];
    return { status: response.statusCode, body: response.body, setCookies: setCookie === undefined ? [] : Array.isArray(setCookie) ? setCookie : [setCookie] };
  };
}

/** A browser (or the app) from its own address: cookies kept, the last page's CSRF token posted back. */
class Visitor {
  private readonly cookies = new Map<string, string>();
  private csrf = "";
  readonly person: Person;
  private readonly send: Send;
  private readonly ip: string;

  constructor(send: Send, person: Person, ip: string) {
    this.send = send;
    this.person = person;
    this.ip = ip;
  }

  async request(method: "GET" | "POST", url: string, body: { form: Record<string, string> } | { json: unknown } | undefined, expect: number): Promise<void> {
    const headers: Record<string, string> = { "user-agent": USER_AGENT, "x-forwarded-for": this.ip, host: "localhost:3000" };
    let payload: string | undefined;
    if (body !== undefined) {
      headers["origin"] = "http://localhost:3000";
      headers["sec-fetch-site"] = "same-origin";
      if ("form" in body) {
        headers["content-type"] = "application/x-www-form-urlencoded";
        payload = new URLSearchParams({ _csrf: this.csrf, ...body.form }).toString();
      } else {
        headers["content-type"] = "application/json";
        payload = JSON.stringify(body.json);
      }
    }
    if (this.cookies.size > 0) {
      headers["cookie"] = [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
    }
    const answer = await this.send(method, url, headers, payload);
    if (answer.status !== expect) {
      throw new Error(`${method} ${url}: ${answer.status}, expected ${expect}: ${answer.body.slice(0, 300)}`);
    }
    for (const line of answer.setCookies) {
      const pair = line.slice(0, line.indexOf(";"));
      const eq = pair.indexOf("=");
      const value = pair.slice(eq + 1);
      if (value === "" || line.includes("Max-Age=0") || line.includes("Expires=Thu, 01 Jan 1970")) {
        this.cookies.delete(pair.slice(0, eq));
      } else {
        this.cookies.set(pair.slice(0, eq), value);
      }
    }
    if (method === "GET" && answer.body.startsWith("<!")) {
      this.csrf = CSRF_INPUT.exec(answer.body)?.[1] ?? this.csrf;
    }
  }
}

/** One kind of request, made by each visitor of a group; `codeMail`: it types the code of that (1-based) code mail. */
interface Step {
  kind: string;
  group: "browsers" | "apps";
  codeMail?: number;
  run: (visitor: Visitor, code: string) => Promise<void>;
}

const STEPS: Step[] = [
  { kind: "GET /login", group: "browsers", run: (b) => b.request("GET", "/login", undefined, 200) },
  { kind: "POST /login (password)", group: "browsers", run: (b) => b.request("POST", "/login", { form: { loginId: b.person.loginId, password: b.person.password } }, 303) },
  { kind: "GET /login/mfa (code screen)", group: "browsers", run: (b) => b.request("GET", "/login/mfa", undefined, 200) },
  { kind: "POST /login/mfa (code)", group: "browsers", codeMail: 1, run: (b, code) => b.request("POST", "/login/mfa", { form: { code } }, 303) },
  { kind: "GET / (my page)", group: "browsers", run: (b) => b.request("GET", "/", undefined, 200) },
  { kind: "POST /api/v1/login", group: "apps", run: (a) => a.request("POST", "/api/v1/login", { json: { loginId: a.person.loginId, password: a.person.password } }, 200) },
  { kind: "GET /api/v1/login/mfa", group: "apps", run: (a) => a.request("GET", "/api/v1/login/mfa", undefined, 200) },
  { kind: "POST /api/v1/login/mfa", group: "apps", codeMail: 2, run: (a, code) => a.request("POST", "/api/v1/login/mfa", { json: { code } }, 200) },
  { kind: "GET /api/v1/session", group: "apps", run: (a) => a.request("GET", "/api/v1/session", undefined, 200) },
];

/** Where the visitors live: on this thread (inject), or in the worker thread (HTTP). */
interface Clients {
  /** New visitors for a round: `people` as browsers, then the same people as app clients, each from its own address. */
  start(people: Person[], firstIp: number): Promise<void>;
  /** Every visitor of the step's group makes its request, one after another; `codes` in the visitors' order. */
  step(index: number, codes: string[]): Promise<void>;
  /** `n` requests to `/bare` of the bare app (its port, for HTTP). */
  bare(target: FastifyInstance, n: number): Promise<void>;
  close(): Promise<void>;
}

function addressOf(n: number): string {
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
}

/** The visitors and their steps, wherever they run. */
class VisitorGroups {
  private groups: Record<Step["group"], Visitor[]> = { browsers: [], apps: [] };
  private readonly send: Send;

  constructor(send: Send) {
    this.send = send;
  }

  start(people: Person[], firstIp: number): void {
    this.groups = {
      browsers: people.map((person, n) => new Visitor(this.send, person, addressOf(firstIp + n))),
      apps: people.map((person, n) => new Visitor(this.send, person, addressOf(firstIp + people.length + n))),
    };
  }

  async step(index: number, codes: string[]): Promise<void> {
    const step = STEPS[index];
    if (step === undefined) {
      throw new Error(`no step ${index}`);
    }
    const visitors = this.groups[step.group];
    for (const [n, visitor] of visitors.entries()) {
      await step.run(visitor, codes[n] ?? "");
    }
  }
}

async function bareRequests(send: Send, n: number): Promise<void> {
  const headers = { "user-agent": USER_AGENT, host: "localhost:3000" };
  for (let i = 0; i < n; i += 1) {
    await send("GET", "/bare", headers, undefined);
  }
}

function injectClients(app: FastifyInstance): Clients {
  const groups = new VisitorGroups(injectSender(app));
  return {
    start: async (people, firstIp) => groups.start(people, firstIp),
    step: (index, codes) => groups.step(index, codes),
    bare: (target, n) => bareRequests(injectSender(target), n),
    close: async () => {},
  };
}

type ToWorker = { type: "start"; people: Person[]; firstIp: number } | { type: "step"; index: number; codes: string[] } | { type: "bare"; port: number; n: number };
type FromWorker = { type: "done" } | { type: "failed"; message: string };

/** The worker thread's side: visitors over HTTP to the app's port, one message at a time. */
function serveAsWorker(port: number): void {
  const groups = new VisitorGroups(httpSender(port));
  const bareSenders = new Map<number, Send>();
  parentPort?.on("message", (message: ToWorker) => {
    const work = async (): Promise<void> => {
      if (message.type === "start") {
        groups.start(message.people, message.firstIp);
      } else if (message.type === "step") {
        await groups.step(message.index, message.codes);
      } else {
        const send = bareSenders.get(message.port) ?? httpSender(message.port);
        bareSenders.set(message.port, send);
        await bareRequests(send, message.n);
      }
    };
    work().then(
      () => parentPort?.postMessage({ type: "done" } satisfies FromWorker),
      (error: unknown) => parentPort?.postMessage({ type: "failed", message: String(error) } satisfies FromWorker),
    );
  });
}

async function workerClients(app: FastifyInstance): Promise<Clients> {
  await app.listen({ host: "127.0.0.1", port: 0 });
  const worker = new Worker(new URL(import.meta.url), { workerData: { port: (app.server.address() as AddressInfo).port } });
  const ask = (message: ToWorker): Promise<void> =>
    new Promise((resolve, reject) => {
      worker.once("message", (answer: FromWorker) => (answer.type === "done" ? resolve() : reject(new Error(answer.message))));
      worker.postMessage(message);
    });
  return {
    start: (people, firstIp) => ask({ type: "start", people, firstIp }),
    step: (index, codes) => ask({ type: "step", index, codes }),
    bare: async (target, n) => {
      if (!target.server.listening) {
        await target.listen({ host: "127.0.0.1", port: 0 });
      }
      await ask({ type: "bare", port: (target.server.address() as AddressInfo).port, n });
    },
    close: async () => {
      await worker.terminate();
    },
  };
}

/** Microseconds of this thread's CPU per request while `work` makes `requests` of them. */
async function cpuPerRequest(requests: number, work: () => Promise<void>): Promise<number> {
  const before = process.threadCpuUsage();
  await work();
  const used = process.threadCpuUsage(before);
  return (used.user + used.system) / requests;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

async function main(): Promise<void> {
  const { values: args } = parseArgs({
    options: {
      requests: { type: "string", default: "200" },
      rounds: { type: "string", default: "3" },
      warmup: { type: "string", default: "100" },
      inject: { type: "boolean", default: false },
    },
  });
  const requests = Number(args.requests);
  const rounds = Number(args.rounds);
  const warmup = Number(args.warmup);
  // Loaded here, not in the worker thread, which needs none of the app.
  const { createLogger } = await import("../src/wiring/logger.ts");
  const { createNonBlockingDestination } = await import("../src/adapters/log/non-blocking-destination.ts");
  const { TestService } = await import("../test/support/test-service.ts");
  const out = process.stdout;
  // The access log as in production (info, redaction, the non-blocking destination), written to /dev/null.
  const logger = createLogger({ logLevel: "info" } as Parameters<typeof createLogger>[0], createNonBlockingDestination(createWriteStream("/dev/null")));
  const service = new TestService({ logger, env: { TRUST_PROXY: "127.0.0.1", PUBLIC_URL: "http://localhost:3000" }, outbox: { pollIntervalMs: 3_600_000 } });
  await service.start();
  // Mail goes out between the batches (drainOutbox), never inside a timed one.
  await service.service.worker.stop();
  const clients = args.inject ? injectClients(service.service.app) : await workerClients(service.service.app);
  const bare = Fastify();
  bare.get("/bare", async () => "ok");
  try {
    const total = warmup + rounds * requests;
    out.write(`registering ${total} customers (argon2id)…\n`);
    const people: Person[] = [];
    for (let n = 0; n < total; n += 16) {
      const added = await Promise.all(Array.from({ length: Math.min(16, total - n) }, () => service.addCustomer()));
      people.push(...added.map(({ loginId, password, email }) => ({ loginId, password, email })));
    }
    /** One round: `group` logs in through the pages, then through the API; µs per request of each step. */
    const round = async (group: Person[], firstIp: number): Promise<number[]> => {
      await clients.start(group, firstIp);
      const costs: number[] = [];
      for (const [index, step] of STEPS.entries()) {
        let codes: string[] = [];
        if (step.codeMail !== undefined) {
          await service.drainOutbox();
          codes = [];
          for (const person of group) {
            codes.push(await service.codeFor(person.email, step.codeMail));
          }
        }
        costs.push(await cpuPerRequest(group.length, () => clients.step(index, codes)));
      }
      await service.drainOutbox();
      return costs;
    };
    await round(people.slice(0, warmup), 1);
    await clients.bare(bare, 2000);
    const perStep: number[][] = STEPS.map(() => []);
    const bareCosts: number[] = [];
    for (let r = 0; r < rounds; r += 1) {
      const start = warmup + r * requests;
      for (const [index, us] of (await round(people.slice(start, start + requests), 2 * start + 1)).entries()) {
        perStep[index]?.push(us);
      }
      bareCosts.push(await cpuPerRequest(2000, () => clients.bare(bare, 2000)));
    }
    const floor = median(bareCosts);
    out.write(`\n${args.inject ? "app.inject (client on the same thread, in every figure)" : "HTTP on loopback (client in a worker thread: the server's thread alone)"}; CPU per request, median of ${rounds} rounds of ${requests}\n`);
    out.write(`${"bare fastify route".padEnd(32)} ${floor.toFixed(1).padStart(8)} µs   1.0 ×\n`);
    let sum = 0;
    for (const [index, step] of STEPS.entries()) {
      const costs = perStep[index] ?? [];
      const us = median(costs);
      sum += us;
      out.write(`${step.kind.padEnd(32)} ${us.toFixed(1).padStart(8)} µs ${(us / floor).toFixed(1).padStart(5)} ×   (rounds: ${costs.map((v) => v.toFixed(0)).join(", ")})\n`);
    }
    out.write(`${"all nine".padEnd(32)} ${sum.toFixed(1).padStart(8)} µs\n`);
  } finally {
    await clients.close();
    await bare.close();
    await service.close();
  }
}

if (isMainThread) {
  await main();
} else {
  serveAsWorker((workerData as { port: number }).port);
}
