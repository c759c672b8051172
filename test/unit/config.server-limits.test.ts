import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ConfigError, loadConfig } from "../../src/config.ts";
import { serverLimitOptions } from "../../src/web/kernel/server-limits.ts";

describe("configuration of connection limits and the shutdown deadline", () => {
  it("cuts slow requests after 15 s, slow headers after 10 s and idle keep-alive after 5 s, holds 900 connections (50 per address), and gives shutdown 20 s by default", () => {
    const { config } = loadConfig({});
    assert.deepEqual(config.http, { requestTimeoutSeconds: 15, headersTimeoutSeconds: 10, keepAliveTimeoutSeconds: 5, maxConnections: 900, maxConnectionsPerAddress: 50 });
    assert.equal(config.shutdownTimeoutSeconds, 20);
    assert.ok(Object.isFrozen(config.http));
  });

  it("reads REQUEST_TIMEOUT_SECONDS, HEADERS_TIMEOUT_SECONDS, KEEP_ALIVE_TIMEOUT_SECONDS, MAX_CONNECTIONS, MAX_CONNECTIONS_PER_ADDRESS and SHUTDOWN_TIMEOUT_SECONDS", () => {
    const { config } = loadConfig({
      REQUEST_TIMEOUT_SECONDS: "30",
      HEADERS_TIMEOUT_SECONDS: "12",
      KEEP_ALIVE_TIMEOUT_SECONDS: "65",
      MAX_CONNECTIONS: "5000",
      MAX_CONNECTIONS_PER_ADDRESS: "200",
      SHUTDOWN_TIMEOUT_SECONDS: "25",
    });
    assert.deepEqual(config.http, { requestTimeoutSeconds: 30, headersTimeoutSeconds: 12, keepAliveTimeoutSeconds: 65, maxConnections: 5000, maxConnectionsPerAddress: 200 });
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
    ["HEADERS_TIMEOUT_SECONDS", "0"],
    ["MAX_CONNECTIONS_PER_ADDRESS", "0"],
    ["SHUTDOWN_TIMEOUT_SECONDS", "0"],
    ["SHUTDOWN_TIMEOUT_SECONDS", "601"],
  ];
  for (const [variable, value] of refused) {
    it(`refuses ${variable}=${value} and names the variable`, () => {
      assert.throws(() => loadConfig({ [variable]: value }), (error: unknown) => error instanceof ConfigError && error.message.includes(variable));
    });
  }

  it("gives the headers no longer than the whole request, and checks the timeouts every second", () => {
    const options = serverLimitOptions(loadConfig({ REQUEST_TIMEOUT_SECONDS: "8", KEEP_ALIVE_TIMEOUT_SECONDS: "8" }).config.http);
    assert.equal(options.requestTimeout, 8_000);
    assert.equal(options.keepAliveTimeout, 8_000);
    assert.deepEqual(options.http, { headersTimeout: 8_000, connectionsCheckingInterval: 1000 });
    assert.equal(serverLimitOptions(loadConfig({}).config.http).http.headersTimeout, 10_000);
  });
});
