import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { loadConfig } from "../../src/config.ts";
import { createLogger } from "../../src/wiring/logger.ts";
import { sharedTestService } from "../support/test-service.ts";

describe("request logs: the access log keeps the path, never the query string (a console search by address is personal data)", () => {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(chunk.toString("utf8"));
      callback();
    },
  });
  const t = sharedTestService({ logger: createLogger(loadConfig({ LOG_LEVEL: "trace" }).config, sink) });

  it("a console search by address, on the page and through the API, leaves no part of the address in the log", async () => {
    const local = `taro.search${Date.now() % 100000}`;
    const customer = await t.addCustomer({ email: `${local}@example.co.jp` });
    const agent = await t.consoleClient({ role: "agent" });
    const from = lines.length;
    const q = encodeURIComponent(customer.email);
    const page = await agent.client.get(`/console?q=${q}`);
    assert.equal(page.statusCode, 200);
    assert.ok(page.body.includes(customer.loginId), "the page found the customer");
    const api = await agent.client.get(`/console/api/v1/customers?q=${q}`);
    assert.equal(api.statusCode, 200, api.body);
    assert.ok(api.body.includes(customer.loginId), "the API found the customer");

    const logged = lines.slice(from);
    const completed = logged.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line["msg"] === "request completed");
    const urls = completed.map((line) => (line["req"] as { url?: string }).url);
    assert.deepEqual(urls, ["/console", "/console/api/v1/customers"], "each request's line, with its path and without its query");
    for (const line of completed) {
      assert.match(String(line["reqId"]), /^[0-9a-f-]{36}$/, "the request ID stays");
      assert.deepEqual(line["res"], { statusCode: 200 });
    }
    const text = logged.join("");
    for (const part of [local, encodeURIComponent(local), "taro.search", customer.email]) {
      assert.ok(!text.includes(part), `the log holds ${part.slice(0, 4)}…`);
    }
  });
});
