import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { createHashGate } from "../../src/adapters/crypto/hash-gate.ts";
import type { PasswordHasher } from "../../src/core/kernel/ports.ts";
import { TooManyRequestsError } from "../../src/core/kernel/retry-later-errors.ts";

/** A stand-in for argon2 that takes `ms` per verification and counts them (a unit test's fake). */
function slowHasher(ms: number): PasswordHasher & { calls: number } {
  const fake = {
    calls: 0,
    async hash(): Promise<string> {
      return "$argon2id$v=19$m=19456,t=2,p=1$x$y";
    },
    async verify(): Promise<boolean> {
      fake.calls += 1;
      await sleep(ms);
      return false;
    },
    needsRehash: () => false,
    async verifyAbsent(): Promise<false> {
      fake.calls += 1;
      await sleep(ms);
      return false;
    },
  };
  return fake;
}

describe("hash gate: a flood of unknown login IDs costs no CPU but looks the same", () => {
  it("answers unknown IDs without running argon2 once it has an estimate", async () => {
    const inner = slowHasher(20);
    const gate = createHashGate(inner, { maxInFlight: 1, maxQueue: 100 });
    await gate.verify("stored", "pw");
    const before = inner.calls;
    await Promise.all(Array.from({ length: 30 }, () => gate.verifyAbsent("guess")));
    assert.equal(inner.calls, before, "no verification ran for the 30 unknown IDs");
  });

  it("makes an unknown ID wait as long as a real verification would, queue included", async () => {
    const gate = createHashGate(slowHasher(20), { maxInFlight: 1, maxQueue: 100 });
    await gate.verify("stored", "pw");
    let started = performance.now();
    await gate.verifyAbsent("guess");
    const alone = performance.now() - started;
    assert.ok(alone >= 15 && alone < 60, `alone: ${alone} ms`);
    // Four real verifications queued: an unknown ID now waits for them too.
    const queued = Array.from({ length: 4 }, () => gate.verify("stored", "pw"));
    started = performance.now();
    await gate.verifyAbsent("guess");
    const behindQueue = performance.now() - started;
    await Promise.all(queued);
    assert.ok(behindQueue >= 60, `behind 4 queued: ${behindQueue} ms`);
  });

  it("sheds an unknown ID exactly when it would shed a real one", async () => {
    const gate = createHashGate(slowHasher(30), { maxInFlight: 1, maxQueue: 2 });
    await gate.verify("stored", "pw");
    const busy = Array.from({ length: 3 }, () => gate.verify("stored", "pw"));
    const serverBusy = (error: unknown): boolean => error instanceof TooManyRequestsError && error.serverBusy;
    await assert.rejects(gate.verifyAbsent("guess"), serverBusy);
    await assert.rejects(gate.verify("stored", "pw"), serverBusy);
    await Promise.all(busy);
    assert.equal(await gate.verifyAbsent("guess"), false, "accepted again once the queue drained");
  });
});
