import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ConfigError, loadConfig } from "../../src/config.ts";
import { serverLimitOptions } from "../../src/web/server-limits.ts";

describe("configuration of connection limits and the shutdown deadline", () => {
  it("cuts slow requests after 20 s and idle keep-alive after 5 s, holds 900 connections, and gives shutdown 20 s by default", () => {
    const { config } = loadConfig({});
    assert.deepEqual(config.http, { requestTimeoutSeconds: 20, keepAliveTimeoutSeconds: 5, maxConnections: 900 });
    assert.equal(config.shutdownTimeoutSeconds, 20);
    assert.ok(Object.isFrozen(config.http));
  });

  it("reads REQUEST_TIMEOUT_SECONDS, KEEP_ALIVE_TIMEOUT_SECONDS, MAX_CONNECTIONS and SHUTDOWN_TIMEOUT_SECONDS", () => {
    const { config } = loadConfig({ REQUEST_TIMEOUT_SECONDS: "30", KEEP_ALIVE_TIMEOUT_SECONDS: "65", MAX_CONNECTIONS: "5000", SHUTDOWN_TIMEOUT_SECONDS: "25" });
    assert.deepEqual(config.http, { requestTimeoutSeconds: 30, keepAliveTimeoutSeconds: 65, maxConnections: 5000 });
    assert.equal(config.shutdownTimeoutSeconds, 25);
  });

  const refused: Array<[string, string]> = [
    ["REQUEST_TIMEOUT_SECONDS", "0"],
    ["REQUEST_TIMEOUT_SECONDS", "301"],
    ["REQUEST_TIMEOUT_SECONDS", "1.5"],
    ["KEEP_ALIVE_TIMEOUT_SECONDS", "0"],
    ["KEEP_ALIVE_TIMEOUT_SECONDS", "ten"],
    ["MAX_CONNECTIONS", "0"],
    ["MAX_CONNECTIONS", "-1"],
    ["SHUTDOWN_TIMEOUT_SECONDS", "0"],
    ["SHUTDOWN_TIMEOUT_SECONDS", "601"],
  ];
  for (const [variable, value] of refused) {
    it(`refuses ${variable}=${value} and names the variable`, () => {
      assert.throws(() => loadConfig({ [variable]: value }), (error: unknown) => error instanceof ConfigError && error.message.includes(variable));
    });
  }

  it("gives the headers no longer than the whole request, and checks the timeouts every second", () => {
    const options = serverLimitOptions(loadConfig({ REQUEST_TIMEOUT_SECONDS: "15", KEEP_ALIVE_TIMEOUT_SECONDS: "8" }).config.http);
    assert.equal(options.requestTimeout, 15_000);
    assert.equal(options.keepAliveTimeout, 8_000);
    assert.deepEqual(options.http, { headersTimeout: 15_000, connectionsCheckingInterval: 1000 });
  });
});
