import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { pino } from "pino";
import { RelayRecovery } from "../../src/adapters/mail/relay-recovery.ts";
import { systemClock } from "../../src/adapters/crypto/node-random.ts";

// Issue 23: the relay probe's timer ran every 5 s on every server, relay up or down. It runs only
// while the relay seems down now, so an idle server with a working relay is not woken for it.

/** Counts the timers started with `intervalMs` while `work` runs: the wake-ups an idle process would have. */
async function intervalsStarted(intervalMs: number, work: () => Promise<void>): Promise<number> {
  const original = globalThis.setInterval;
  let started = 0;
  globalThis.setInterval = ((handler: () => void, ms?: number) => {
    if (ms === intervalMs) {
      started += 1;
    }
    return original(handler, ms);
  }) as typeof setInterval;
  try {
    await work();
  } finally {
    globalThis.setInterval = original;
  }
  return started;
}

describe("the SMTP relay is probed only while it seems down", () => {
  it("starts no timer while the relay answers", async () => {
    const recovery = new RelayRecovery({
      store: { retryNow: async () => 0 },
      transport: { verify: async () => {} },
      clock: systemClock,
      logger: pino({ level: "silent" }),
      probeIntervalMs: 23,
      onRecovered: () => {},
    });
    const started = await intervalsStarted(23, async () => {
      recovery.start();
      recovery.sendSucceeded();
      await sleep(50);
      await recovery.stop();
    });
    assert.equal(started, 0);
  });

  it("probes nothing while sends succeed, probes every interval once a send finds the relay gone, and stops when it answers", async () => {
    let probes = 0;
    let relayUp = false;
    let retried = 0;
    let recovered = 0;
    const recovery = new RelayRecovery({
      store: {
        retryNow: async () => {
          retried += 1;
          return 3;
        },
      },
      transport: {
        verify: async () => {
          probes += 1;
          if (!relayUp) {
            throw Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
          }
        },
      },
      clock: systemClock,
      logger: pino({ level: "silent" }),
      probeIntervalMs: 20,
      onRecovered: () => {
        recovered += 1;
      },
    });
    recovery.start();
    try {
      recovery.sendSucceeded();
      await sleep(200);
      assert.equal(probes, 0, "no probe while the relay answers");

      // No SMTP reply at all: the relay is down.
      recovery.sendFailed(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }));
      await sleep(200);
      assert.ok(probes >= 3, `${probes} probes in 200 ms at one per 20 ms`);
      assert.equal(recovered, 0);

      relayUp = true;
      const deadline = Date.now() + 2000;
      while (recovered === 0 && Date.now() < deadline) {
        await sleep(10);
      }
      assert.deepEqual([retried, recovered], [1, 1], "every waiting mail made due once");
      const after = probes;
      await sleep(200);
      assert.equal(probes, after, "no probe once the relay answers again");
    } finally {
      await recovery.stop();
    }
  });

  it("a refusal of one mail (a reply code) is not the relay down: no probing", async () => {
    let probes = 0;
    const recovery = new RelayRecovery({
      store: { retryNow: async () => 0 },
      transport: {
        verify: async () => {
          probes += 1;
        },
      },
      clock: systemClock,
      logger: pino({ level: "silent" }),
      probeIntervalMs: 20,
      onRecovered: () => {},
    });
    recovery.start();
    try {
      recovery.sendFailed(Object.assign(new Error("mailbox unavailable"), { responseCode: 451 }));
      await sleep(200);
      assert.equal(probes, 0);
    } finally {
      await recovery.stop();
    }
  });
});
