import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { pino } from "pino";
import { createNonBlockingDestination } from "../../src/adapters/log/non-blocking-destination.ts";

/** A pipe whose reader has stopped: nothing written completes until `resume()`. */
function stalledOutput(): { output: Writable; written: string[]; resume(): void } {
  const written: string[] = [];
  let pending: Array<() => void> = [];
  let flowing = false;
  const output = new Writable({
    decodeStrings: false,
    write(chunk: string, _encoding, callback) {
      written.push(chunk);
      if (flowing) {
        callback();
      } else {
        pending.push(callback);
      }
    },
  });
  return {
    output,
    written,
    resume(): void {
      flowing = true;
      const callbacks = pending;
      pending = [];
      for (const callback of callbacks) {
        callback();
      }
    },
  };
}

describe("log output nobody reads: lines are dropped, never queued without bound, never waited for", () => {
  const LINE = `${"x".repeat(999)}\n`;

  it("holds at most the byte limit (plus one line) and counts what it drops, returning at once", () => {
    const { output } = stalledOutput();
    const destination = createNonBlockingDestination(output, { maxBufferedBytes: 64 * 1024 });
    const started = performance.now();
    for (let i = 0; i < 10_000; i += 1) {
      destination.write(LINE);
    }
    assert.ok(performance.now() - started < 2000, "10,000 writes returned without waiting for the reader");
    assert.ok(output.writableLength <= 64 * 1024 + LINE.length, `${output.writableLength} bytes held`);
    assert.equal(destination.droppedLines(), 10_000 - Math.ceil((64 * 1024 + 1) / LINE.length));
  });

  it("says how many lines were lost once the reader is back, then logs as before", async () => {
    const stalled = stalledOutput();
    let logger: ReturnType<typeof pino> | null = null;
    const destination = createNonBlockingDestination(stalled.output, {
      maxBufferedBytes: 4096,
      onRecovered: (dropped) => logger?.warn({ droppedLines: dropped }, "log output was not read; lines dropped"),
    });
    logger = pino({ level: "info" }, destination);
    for (let i = 0; i < 100; i += 1) {
      logger.info({ i, pad: "y".repeat(500) }, "busy");
    }
    const dropped = destination.droppedLines();
    assert.ok(dropped > 80, `${dropped} dropped`);
    stalled.resume();
    await new Promise((resolve) => setImmediate(resolve));
    logger.info("after");
    // The lines of a turn leave together at its end (one writev).
    await new Promise((resolve) => setImmediate(resolve));
    const lines = stalled.written.flatMap((chunk) => chunk.split("\n")).filter((line) => line !== "").map((line) => JSON.parse(line) as Record<string, unknown>);
    const tail = lines.slice(-2);
    assert.deepEqual(tail.map((line) => [line["msg"], line["droppedLines"]]), [["log output was not read; lines dropped", dropped], ["after", undefined]]);
  });

  it("writes the lines of one turn of the event loop in one write, and each turn's lines in order", async () => {
    const calls: string[][] = [];
    const output = new Writable({
      decodeStrings: false,
      writev(chunks, callback) {
        calls.push(chunks.map(({ chunk }) => String(chunk)));
        callback();
      },
    });
    const destination = createNonBlockingDestination(output);
    destination.write("a\n");
    destination.write("b\n");
    destination.write("c\n");
    assert.deepEqual(calls, [], "nothing leaves before the turn ends");
    await new Promise((resolve) => setImmediate(resolve));
    destination.write("d\n");
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(calls, [["a\n", "b\n", "c\n"], ["d\n"]]);
  });

  it("stops logging, without throwing, when the reader is gone (EPIPE)", () => {
    const output = new Writable({
      write(_chunk, _encoding, callback) {
        callback(Object.assign(new Error("write EPIPE"), { code: "EPIPE" }));
      },
    });
    const destination = createNonBlockingDestination(output);
    destination.write("first\n");
    return new Promise<void>((resolve) => {
      setImmediate(() => {
        destination.write("second\n");
        assert.equal(destination.droppedLines(), 1);
        resolve();
      });
    });
  });
});
