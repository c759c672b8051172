import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ConfigError, loadConfig } from "../../src/config.ts";

describe("configuration for operations: TRUST_PROXY and METRICS_TOKEN", () => {
  it("trusts no proxy and leaves /metrics without a token by default", () => {
    const { config } = loadConfig({});
    assert.equal(config.trustProxy, false);
    assert.equal(config.metricsToken, null);
  });

  it("reads TRUST_PROXY as true/false, a hop count, or addresses and CIDRs", () => {
    assert.equal(loadConfig({ TRUST_PROXY: "false" }).config.trustProxy, false);
    assert.equal(loadConfig({ TRUST_PROXY: "2" }).config.trustProxy, 2);
    assert.deepEqual(loadConfig({ TRUST_PROXY: "10.0.0.0/8, 127.0.0.1,::1,fd00::/8" }).config.trustProxy, ["10.0.0.0/8", "127.0.0.1", "::1", "fd00::/8"]);
  });

  it("warns that TRUST_PROXY=true lets a direct client pick its own address", () => {
    const { config, warnings } = loadConfig({ TRUST_PROXY: "true" });
    assert.equal(config.trustProxy, true);
    assert.ok(warnings.some((warning) => warning.startsWith("TRUST_PROXY=true")));
  });

  for (const value of ["yes", "10.0.0.0/33", "10.0.0/8", "proxy.internal", "127.0.0.1,", "1/2/3"]) {
    it(`refuses TRUST_PROXY=${value} and names the variable`, () => {
      assert.throws(() => loadConfig({ TRUST_PROXY: value }), (error: unknown) => error instanceof ConfigError && /TRUST_PROXY/.test(error.message));
    });
  }

  it("refuses a METRICS_TOKEN shorter than 16 characters or with spaces", () => {
    for (const value of ["short", "has a space in the middle of it"]) {
      assert.throws(() => loadConfig({ METRICS_TOKEN: value }), (error: unknown) => error instanceof ConfigError && /METRICS_TOKEN/.test(error.message));
    }
    assert.equal(loadConfig({ METRICS_TOKEN: "0123456789abcdef" }).config.metricsToken, "0123456789abcdef");
  });
});

describe("configuration for operations: SMTP_MAX_CONNECTIONS (issue 17 §11)", () => {
  it("defaults to 20 conversations with the relay and takes 1-200", () => {
    assert.equal(loadConfig({}).config.smtpMaxConnections, 20);
    assert.equal(loadConfig({ SMTP_MAX_CONNECTIONS: "50" }).config.smtpMaxConnections, 50);
    for (const value of ["0", "201", "many"]) {
      assert.throws(() => loadConfig({ SMTP_MAX_CONNECTIONS: value }), (error: unknown) => error instanceof ConfigError && /SMTP_MAX_CONNECTIONS/.test(error.message));
    }
  });
});
