import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { pino } from "pino";
import { DueWake } from "../../src/adapters/mail/due-wake.ts";
import { systemClock } from "../../src/adapters/crypto/node-random.ts";

// Issue 23: the outbox and logout workers sleep until their next item falls due. While the relay is
// down, thousands of retries fall due a few milliseconds apart; one wake takes every one due by then,
// so timed wakes come at least 200 ms apart rather than one per retry.

describe("timed wakes of a leased-queue worker", () => {
  it("with a retry falling due every millisecond, wakes at most every 200 ms, not a thousand times a second", async () => {
    let wakes = 0;
    const due = new DueWake({
      clock: systemClock,
      logger: pino({ level: "silent" }),
      pollIntervalMs: 60_000,
      // The table always holds a retry due a millisecond from now.
      nextDueAfter: async (now) => now + 1,
      wake: () => {
        wakes += 1;
      },
      queue: "test",
    });
    due.start();
    try {
      await sleep(1000);
      // The wake at start, then one per 200 ms.
      assert.ok(wakes >= 4 && wakes <= 7, `${wakes} wakes in 1 s`);
    } finally {
      await due.stop();
    }
    const stopped = wakes;
    await sleep(300);
    assert.equal(wakes, stopped, "no wake after stop");
  });

  it("sleeps until the next due time the table holds, and the poll wakes it in between", async () => {
    const wokenAt: number[] = [];
    const started = Date.now();
    let dueAt: number | null = started + 600;
    const due = new DueWake({
      clock: systemClock,
      logger: pino({ level: "silent" }),
      pollIntervalMs: 250,
      nextDueAfter: async (now) => (dueAt !== null && dueAt > now ? dueAt : null),
      wake: () => {
        wokenAt.push(Date.now() - started);
      },
      queue: "test",
    });
    due.start();
    try {
      await sleep(900);
    } finally {
      await due.stop();
      dueAt = null;
    }
    // At start, the polls at 250 and 500 ms, the due time at 600 ms, the poll at 750 ms (a busy machine may delay one).
    assert.ok(wokenAt.length >= 4 && wokenAt.length <= 5, JSON.stringify(wokenAt));
    assert.ok((wokenAt[0] ?? 99) < 50, "woken at start");
    const atDue = wokenAt.filter((ms) => ms >= 600 && ms < 700);
    assert.equal(atDue.length, 1, `woken at the due time: ${JSON.stringify(wokenAt)}`);
  });
});
