import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { loadConfig } from "../../src/config.ts";
import { createLogger } from "../../src/wiring/logger.ts";
import { sharedTestService } from "../support/test-service.ts";

const CLIENT = "198.51.100.23";

describe("request logs: the access-log line names the client's address, as TRUST_PROXY decides it", () => {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(JSON.parse(chunk.toString("utf8")) as Record<string, unknown>);
      callback();
    },
  });
  const t = sharedTestService({ env: { TRUST_PROXY: "127.0.0.1" }, logger: createLogger(loadConfig({ LOG_LEVEL: "info" }).config, sink) });

  /** The "request completed" line of one GET /login from `peer`. */
  async function accessLine(peer: string, headers: Record<string, string> = {}): Promise<Record<string, unknown>> {
    const from = lines.length;
    const response = await t.service.app.inject({ method: "GET", url: "/login", remoteAddress: peer, headers });
    assert.equal(response.statusCode, 200);
    const completed = lines.slice(from).filter((line) => line["msg"] === "request completed");
    assert.equal(completed.length, 1);
    return completed[0] ?? {};
  }

  it("logs the peer's address for a direct request", async () => {
    const line = await accessLine("203.0.113.10");
    assert.equal((line["req"] as { remoteAddress?: string }).remoteAddress, "203.0.113.10", JSON.stringify(line));
  });

  it("logs the address a trusted proxy forwards, not the proxy's", async () => {
    const line = await accessLine("127.0.0.1", { "x-forwarded-for": CLIENT });
    assert.equal((line["req"] as { remoteAddress?: string }).remoteAddress, CLIENT, JSON.stringify(line));
  });

  it("ignores X-Forwarded-For from a peer that is not a trusted proxy", async () => {
    const line = await accessLine("203.0.113.10", { "x-forwarded-for": CLIENT });
    assert.equal((line["req"] as { remoteAddress?: string }).remoteAddress, "203.0.113.10", JSON.stringify(line));
  });

  it("keeps method, path, status, time and request ID in the same line", async () => {
    const line = await accessLine("203.0.113.10");
    assert.deepEqual({ method: (line["req"] as { method?: string }).method, url: (line["req"] as { url?: string }).url }, { method: "GET", url: "/login" });
    assert.deepEqual(line["res"], { statusCode: 200 });
    assert.equal(typeof line["responseTime"], "number");
    assert.match(String(line["reqId"]), /^[0-9a-f-]{36}$/);
  });
});
