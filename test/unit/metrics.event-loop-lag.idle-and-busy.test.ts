import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { Registry } from "prom-client";
import { DEFAULT_EVENT_LOOP_LAG_SETTINGS, EVENT_LOOP_LAG_GAUGES, registerEventLoopLag } from "../../src/adapters/metrics/event-loop-lag.ts";

// Issue 23: prom-client's event-loop monitor woke an idle server 100 times a second (some 10 ms of CPU
// per second). The sampler that replaced it wakes once a second while the loop is idle and every 10 ms
// while it is busy, and reports how late the loop ran (not the interval plus that, as prom-client did).

// Busy means half the time spent in callbacks: the other tests sharing this process never reach that
// while this one sleeps, so the idle case is not disturbed by them.
const SETTINGS = { ...DEFAULT_EVENT_LOOP_LAG_SETTINGS, busyUtilization: 0.5 };

/** Keeps the loop busy for `totalMs` in blocking chunks of `chunkMs`, yielding between them as a request storm does. */
async function busyInChunks(totalMs: number, chunkMs: number): Promise<void> {
  const end = performance.now() + totalMs;
  while (performance.now() < end) {
    const chunkEnd = performance.now() + chunkMs;
    while (performance.now() < chunkEnd) {
      // Blocking on purpose: a callback that runs this long.
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
}

async function lagSeconds(registry: Registry): Promise<Record<string, number>> {
  const metrics = await registry.getMetricsAsJSON();
  const values: Record<string, number> = {};
  for (const metric of metrics) {
    values[metric.name] = Number(metric.values[0]?.value);
  }
  return values;
}

describe("event-loop lag: sampled once a second while idle, every 10 ms while busy", () => {
  it("serves prom-client's gauge names", async () => {
    const registry = new Registry();
    const lag = registerEventLoopLag(registry, SETTINGS);
    try {
      const names = Object.keys(await lagSeconds(registry)).sort();
      assert.deepEqual(names, EVENT_LOOP_LAG_GAUGES.map((stat) => `nodejs_eventloop_lag_${stat}_seconds`).sort());
    } finally {
      lag.stop();
    }
  });

  it("an idle loop is woken about once a second, and its lag does not include the interval", async () => {
    const registry = new Registry();
    const lag = registerEventLoopLag(registry, SETTINGS);
    try {
      await sleep(2500);
      const taken = lag.samples();
      assert.ok(taken >= 1 && taken <= 3, `${taken} samples in 2.5 s idle`);
      const values = await lagSeconds(registry);
      // prom-client's histogram held the interval too: about 1 s at this rate.
      assert.ok((values["nodejs_eventloop_lag_max_seconds"] ?? 1) < 0.5, JSON.stringify(values));
    } finally {
      lag.stop();
    }
  });

  it("a loop blocked in 40 ms chunks is sampled every 10 ms and shows the chunks at p99", async () => {
    const registry = new Registry();
    const lag = registerEventLoopLag(registry, SETTINGS);
    try {
      // One idle-rate sample first notices the load; from then on the busy rate.
      await busyInChunks(2000, 40);
      const taken = lag.samples();
      assert.ok(taken >= 15, `${taken} samples in 2 s of load`);
      const values = await lagSeconds(registry);
      const p99 = values["nodejs_eventloop_lag_p99_seconds"] ?? 0;
      assert.ok(p99 >= 0.02 && p99 < 0.5, `p99 ${p99} s`);
      // A scrape starts the next window.
      const next = await lagSeconds(registry);
      assert.ok((next["nodejs_eventloop_lag_max_seconds"] ?? 1) < p99, JSON.stringify(next));
    } finally {
      lag.stop();
    }
  });
});
