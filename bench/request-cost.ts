/**
 * Issue 23: the CPU one request of the login path costs the server's JavaScript thread, beside a bare
 * fastify route measured in the same run (the machine drifts; the ratio does not, much).
 *
 *   npm run bench:requests -- [--requests 200] [--rounds 3] [--warmup 100] [--http]
 *
 * The real app (test/support/test-service.ts: SQLite, SMTP on loopback, the access log at info into
 * /dev/null through the production destination) answers `app.inject` (default) or real HTTP on
 * loopback (`--http`). Each round logs in `--requests` new browsers and as many smartphone-app
 * clients, one request kind at a time, and times each kind's batch with the main thread's own CPU
 * clock (`process.threadCpuUsage`): argon2id runs on libuv's pool and is not in it. The client
 * (inject's or node:http's) runs on the same thread and is in every figure, the bare route's too.
 * Mail delivery (outbox worker, SMTP catcher) runs between batches, untimed. Printed: µs of CPU per
 * request, the median of the rounds, and its ratio to the bare route.
 */
import { createWriteStream } from "node:fs";
import { Agent, request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { parseArgs } from "node:util";
import Fastify from "fastify";
import type { FastifyInstance } from "fastify";
import type { Config } from "../src/config.ts";
import { createLogger } from "../src/wiring/logger.ts";
import { createNonBlockingDestination } from "../src/adapters/log/non-blocking-destination.ts";
import { TestService } from "../test/support/test-service.ts";
import type { TestCustomer } from "../test/support/test-service.ts";

const { values: args } = parseArgs({
  options: {
    requests: { type: "string", default: "200" },
    rounds: { type: "string", default: "3" },
    warmup: { type: "string", default: "100" },
    http: { type: "boolean", default: false },
  },
});
const REQUESTS = Number(args.requests);
const ROUNDS = Number(args.rounds);
const WARMUP = Number(args.warmup);
const USER_AGENT = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";
const CSRF_INPUT = /name="_csrf" value="([^"]*)"/;

interface Answer {
  status: number;
  body: string;
  setCookies: string[];
}

type Send = (method: "GET" | "POST", url: string, headers: Record<string, string>, body: string | undefined) => Promise<Answer>;

/** `app.inject`, or node:http on loopback with kept-alive connections (as the storm's virtual users). */
async function sender(app: FastifyInstance, options: { http: boolean }): Promise<{ send: Send; close: () => Promise<void> }> {
  if (!options.http) {
    return {
      send: async (method, url, headers, body) => {
        const response = await app.inject({ method, url, headers, payload: body, remoteAddress: "127.0.0.1" });
        const setCookie = response.headers["set-cookie"];
        return { status: response.statusCode, body: response.body, setCookies: setCookie === undefined ? [] : Array.isArray(setCookie) ? setCookie : [setCookie] };
      },
      close: async () => {},
    };
  }
  await app.listen({ host: "127.0.0.1", port: 0 });
  const port = (app.server.address() as AddressInfo).port;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  return {
    send: (method, path, headers, body) =>
      new Promise<Answer>((resolve, reject) => {
        const outgoing = httpRequest({ agent, host: "127.0.0.1", port, method, path, headers: body === undefined ? headers : { ...headers, "content-length": String(Buffer.byteLength(body)) } }, (response) => {
          const chunks: Buffer[] = [];
          response.on("data", (chunk: Buffer) => chunks.push(chunk));
          response.on("end", () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8"), setCookies: response.headers["set-cookie"] ?? [] }));
          response.on("error", reject);
        });
        outgoing.on("error", reject);
        outgoing.end(body);
      }),
    close: async () => {
      agent.destroy();
    },
  };
}

/** A browser (or the app) from its own address: cookies kept, the last page's CSRF token posted back. */
class Visitor {
  private readonly cookies = new Map<string, string>();
  private csrf = "";
  readonly customer: TestCustomer;
  private readonly send: Send;
  private readonly ip: string;

  constructor(send: Send, customer: TestCustomer, ip: string) {
    this.send = send;
    this.customer = customer;
    this.ip = ip;
  }

  async request(method: "GET" | "POST", url: string, body?: { form: Record<string, string> } | { json: unknown }, expect?: number): Promise<Answer> {
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
    if (expect !== undefined && answer.status !== expect) {
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
    return answer;
  }
}

/** Microseconds of this thread's CPU per call of `each` over `items`, run one after another. */
async function cpuPerRequest<T>(items: T[], each: (item: T) => Promise<unknown>): Promise<number> {
  const before = process.threadCpuUsage();
  for (const item of items) {
    await each(item);
  }
  const used = process.threadCpuUsage(before);
  return (used.user + used.system) / items.length;
}

const KINDS = [
  "GET /login",
  "POST /login (password)",
  "GET /login/mfa (code screen)",
  "POST /login/mfa (code)",
  "GET / (my page)",
  "POST /api/v1/login",
  "GET /api/v1/login/mfa",
  "POST /api/v1/login/mfa",
  "GET /api/v1/session",
] as const;
type Kind = (typeof KINDS)[number];

/** One round: `customers` log in through the pages, then through the JSON API; µs per request of each kind. */
async function round(service: TestService, send: Send, customers: TestCustomer[], firstIp: number): Promise<Map<Kind, number>> {
  const cost = new Map<Kind, number>();
  const ip = (n: number): string => `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
  const browsers = customers.map((customer, n) => new Visitor(send, customer, ip(firstIp + n)));
  const codes = async (visitors: Visitor[], mailNumber: number): Promise<Map<Visitor, string>> => {
    await service.drainOutbox();
    const found = new Map<Visitor, string>();
    for (const visitor of visitors) {
      found.set(visitor, await service.codeFor(visitor.customer.email, mailNumber));
    }
    return found;
  };
  cost.set("GET /login", await cpuPerRequest(browsers, (b) => b.request("GET", "/login", undefined, 200)));
  cost.set("POST /login (password)", await cpuPerRequest(browsers, (b) => b.request("POST", "/login", { form: { loginId: b.customer.loginId, password: b.customer.password } }, 303)));
  cost.set("GET /login/mfa (code screen)", await cpuPerRequest(browsers, (b) => b.request("GET", "/login/mfa", undefined, 200)));
  const pageCodes = await codes(browsers, 1);
  cost.set("POST /login/mfa (code)", await cpuPerRequest(browsers, (b) => b.request("POST", "/login/mfa", { form: { code: pageCodes.get(b) ?? "" } }, 303)));
  cost.set("GET / (my page)", await cpuPerRequest(browsers, (b) => b.request("GET", "/", undefined, 200)));
  await service.drainOutbox();

  const apps = customers.map((customer, n) => new Visitor(send, customer, ip(firstIp + customers.length + n)));
  cost.set("POST /api/v1/login", await cpuPerRequest(apps, (a) => a.request("POST", "/api/v1/login", { json: { loginId: a.customer.loginId, password: a.customer.password } }, 200)));
  cost.set("GET /api/v1/login/mfa", await cpuPerRequest(apps, (a) => a.request("GET", "/api/v1/login/mfa", undefined, 200)));
  const appCodes = await codes(apps, 2);
  cost.set("POST /api/v1/login/mfa", await cpuPerRequest(apps, (a) => a.request("POST", "/api/v1/login/mfa", { json: { code: appCodes.get(a) ?? "" } }, 200)));
  cost.set("GET /api/v1/session", await cpuPerRequest(apps, (a) => a.request("GET", "/api/v1/session", undefined, 200)));
  await service.drainOutbox();
  return cost;
}

/** The floor: a fastify route with no plugins, no logger, answering a short text. */
async function bareRouteCost(options: { http: boolean; requests: number }): Promise<number> {
  const bare = Fastify();
  bare.get("/bare", async () => "ok");
  const { send, close } = await sender(bare, options);
  const headers = { "user-agent": USER_AGENT, host: "localhost:3000" };
  const items = Array.from({ length: options.requests }, (_, n) => n);
  await cpuPerRequest(items, () => send("GET", "/bare", headers, undefined));
  const cost = await cpuPerRequest(items, () => send("GET", "/bare", headers, undefined));
  await close();
  await bare.close();
  return cost;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

async function main(): Promise<void> {
  const out = process.stdout;
  // The access log as in production (info, redaction, the non-blocking destination), written to /dev/null.
  const logger = createLogger({ logLevel: "info" } as Readonly<Config>, createNonBlockingDestination(createWriteStream("/dev/null")));
  const service = new TestService({ logger, env: { TRUST_PROXY: "127.0.0.1", PUBLIC_URL: "http://localhost:3000" }, outbox: { pollIntervalMs: 3_600_000 } });
  await service.start();
  // Mail goes out between the batches (drainOutbox), never inside a timed one.
  await service.service.worker.stop();
  const { send, close } = await sender(service.service.app, { http: args.http });
  try {
    const total = WARMUP + ROUNDS * REQUESTS;
    out.write(`registering ${total} customers (argon2id)…\n`);
    const customers: TestCustomer[] = [];
    for (let n = 0; n < total; n += 16) {
      customers.push(...(await Promise.all(Array.from({ length: Math.min(16, total - n) }, () => service.addCustomer()))));
    }
    await round(service, send, customers.slice(0, WARMUP), 1);
    const perKind = new Map<Kind, number[]>();
    const bare: number[] = [];
    for (let r = 0; r < ROUNDS; r += 1) {
      const start = WARMUP + r * REQUESTS;
      const costs = await round(service, send, customers.slice(start, start + REQUESTS), 2 * start + 1);
      for (const [kind, us] of costs) {
        perKind.set(kind, [...(perKind.get(kind) ?? []), us]);
      }
      bare.push(await bareRouteCost({ http: args.http, requests: 2000 }));
    }
    const floor = median(bare);
    out.write(`\n${args.http ? "HTTP on loopback" : "app.inject"}; main thread CPU per request, median of ${ROUNDS} rounds of ${REQUESTS} (client included)\n`);
    out.write(`${"bare fastify route".padEnd(32)} ${floor.toFixed(1).padStart(8)} µs   1.0 ×\n`);
    let sum = 0;
    for (const kind of KINDS) {
      const us = median(perKind.get(kind) ?? []);
      sum += us;
      out.write(`${kind.padEnd(32)} ${us.toFixed(1).padStart(8)} µs ${(us / floor).toFixed(1).padStart(5)} ×   (rounds: ${(perKind.get(kind) ?? []).map((v) => v.toFixed(0)).join(", ")})\n`);
    }
    out.write(`${"all nine".padEnd(32)} ${sum.toFixed(1).padStart(8)} µs\n`);
  } finally {
    await close();
    await service.close();
  }
}

await main();
