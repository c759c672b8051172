import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { smtpCheck } from "../../src/adapters/health/readiness-checks.ts";

describe("/readyz asks the SMTP server at most once per 10 s", () => {
  /** A transport whose verify counts its calls and fails when told to (the SMTP session itself is tested in test/http/readiness). */
  function countingTransport(): { verify(): Promise<void>; calls: number; failing: boolean } {
    const transport = {
      calls: 0,
      failing: false,
      async verify(): Promise<void> {
        transport.calls += 1;
        if (transport.failing) {
          throw new Error("connect ECONNREFUSED");
        }
      },
    };
    return transport;
  }

  it("reuses a good answer for 10 s, then asks again", async () => {
    let now = 0;
    const transport = countingTransport();
    const check = smtpCheck(transport, { now: () => now });
    await check.check();
    now = 9_999;
    await check.check();
    assert.equal(transport.calls, 1);
    now = 10_000;
    await check.check();
    assert.equal(transport.calls, 2);
  });

  it("reuses a failure for 10 s too, then sees the server back", async () => {
    let now = 0;
    const transport = countingTransport();
    transport.failing = true;
    const check = smtpCheck(transport, { now: () => now });
    await assert.rejects(check.check());
    transport.failing = false;
    now = 5_000;
    await assert.rejects(check.check(), "still the cached failure");
    now = 10_000;
    await check.check();
    assert.equal(transport.calls, 2);
  });

  it("shares one session among probes that arrive together", async () => {
    const transport = countingTransport();
    const check = smtpCheck(transport, { now: () => 0 });
    await Promise.all([check.check(), check.check(), check.check()]);
    assert.equal(transport.calls, 1);
  });
});
