import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { loadConfig } from "../../src/config.ts";
import { createLogger } from "../../src/wiring/logger.ts";
import { sharedTestService } from "../support/test-service.ts";

const PEER = "203.0.113.77";

describe("request logs: the access-log line, written without redaction, is the line the redacting logger wrote", () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(chunk.toString("utf8"));
      callback();
    },
  });
  const logger = createLogger(loadConfig({ LOG_LEVEL: "info" }).config, sink);
  const t = sharedTestService({ logger });

  it("holds only its known fields, and the same bytes as the request's own (redacting) logger writes", async () => {
    const from = lines.length;
    const response = await t.service.app.inject({ method: "GET", url: "/login?lang=en&password=hunter2-secret", remoteAddress: PEER, headers: { cookie: "__Host-okb_session=tok-abcdef" } });
    assert.equal(response.statusCode, 200);
    const written = lines.slice(from).filter((line) => line.includes('"msg":"request completed"'));
    assert.equal(written.length, 1);
    const line = written[0] ?? "";
    const parsed = JSON.parse(line) as Record<string, unknown>;
    // Nothing beyond these may join the line without redaction: a new field must be thought about here.
    assert.deepEqual(Object.keys(parsed), ["level", "time", "pid", "hostname", "reqId", "req", "res", "responseTime", "msg"]);
    const req = parsed["req"] as Record<string, unknown>;
    // remotePort: absent under app.inject, which has no socket port.
    assert.deepEqual(Object.keys(req).filter((key) => key !== "remotePort"), ["method", "url", "host", "remoteAddress"]);
    assert.deepEqual({ method: req["method"], url: req["url"], remoteAddress: req["remoteAddress"] }, { method: "GET", url: "/login", remoteAddress: PEER });
    assert.deepEqual(parsed["res"], { statusCode: 200 });
    assert.ok(!line.includes("hunter2-secret") && !line.includes("tok-abcdef"));

    // The same fields through the logger a request logs with (a child with its ID, redacting): the same line but its time.
    const again: string[] = [];
    const redacting = createLogger(
      loadConfig({ LOG_LEVEL: "info" }).config,
      new Writable({
        write(chunk: Buffer, _encoding, callback) {
          again.push(chunk.toString("utf8"));
          callback();
        },
      }),
    );
    const request = { method: "GET", url: "/login?lang=en&password=hunter2-secret", host: req["host"] as string, ip: PEER, socket: { remotePort: req["remotePort"] as number | undefined } };
    redacting.child({ reqId: parsed["reqId"] }).info({ req: request, res: { statusCode: 200 }, responseTime: parsed["responseTime"] }, "request completed");
    const withoutTime = (text: string): string => text.replace(/"time":\d+,/u, "");
    assert.equal(withoutTime(again[0] ?? ""), withoutTime(line));
  });

  it("writes no line for a route that logs at warn only (/healthz), as before", async () => {
    const from = lines.length;
    const response = await t.service.app.inject({ method: "GET", url: "/healthz" });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(lines.slice(from).filter((line) => line.includes('"msg":"request completed"')), []);
  });
});
