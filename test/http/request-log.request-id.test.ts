import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { loadConfig } from "../../src/config.ts";
import { createLogger } from "../../src/wiring/logger.ts";
import { sharedTestService } from "../support/test-service.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe("request logs: every line of a request carries its request ID", () => {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(JSON.parse(chunk.toString("utf8")) as Record<string, unknown>);
      callback();
    },
  });
  const t = sharedTestService({ logger: createLogger(loadConfig({ LOG_LEVEL: "info" }).config, sink) });

  it("tags the refused and the one access-log line with one UUID per request, the one in the audit log", async () => {
    const customer = await t.addCustomer();
    const from = lines.length;
    const response = await t.client().post("/login", { form: { loginId: customer.loginId, password: "wrong password" }, headers: { "x-request-id": "forged-id" } });
    assert.equal(response.statusCode, 401);
    const mine = lines.slice(from).filter((line) => "reqId" in line);
    const reqIds = new Set(mine.map((line) => line["reqId"]));
    // The CSRF token's GET /login first, then the POST.
    assert.equal(reqIds.size, 2);
    for (const reqId of reqIds) {
      assert.match(String(reqId), UUID, "our own ID, not the client's header");
    }
    const post = mine.filter((line) => line["reqId"] === mine.find((l) => (l["req"] as { method?: string } | undefined)?.method === "POST")?.["reqId"]);
    assert.deepEqual(
      post.map((line) => line["msg"]),
      ["request refused", "request completed"],
    );
    const [event] = await t.auditEvents(customer.customer.id);
    assert.equal(event?.requestId, post[0]?.["reqId"], "an audit event leads to its log lines");
  });

  it("leaves no line about a request without its ID", async () => {
    await t.client().get("/no-such-page");
    await t.service.app.inject({ method: "GET", url: "/login/%ZZ" });
    const aboutRequests = lines.filter((line) => "req" in line || "res" in line || line["msg"] === "request refused" || line["msg"] === "unhandled error");
    // GET /login and the POST above, the 404 and the undecodable URL (refused by the router, so no access line).
    assert.equal(aboutRequests.length, 6);
    for (const line of aboutRequests) {
      assert.match(String(line["reqId"]), UUID, JSON.stringify(line));
    }
  });
});
