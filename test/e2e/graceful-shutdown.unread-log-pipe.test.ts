import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnService } from "../support/spawned-service.ts";
import type { SpawnedService } from "../support/spawned-service.ts";

const SHUTDOWN_TIMEOUT_SECONDS = 3;
// A URL near Node's 16 KiB header limit: each request puts about 15 KB in the access log.
const PADDED_URL = `/no-such-page?pad=${"x".repeat(15_000)}`;
// Far more than the pipe (socket buffers and the reader's paused buffer: a few hundred KiB) holds,
// and more than the server keeps waiting in memory (4 MiB), so it drops lines too.
const LOG_BYTES_TO_WRITE = 6 * 1024 * 1024;

/** Resolves true once `done` settles, false if `ms` pass first. */
async function settlesWithin(done: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const result = await Promise.race([done.then(() => true), timeout]);
  clearTimeout(timer);
  return result;
}

describe("a log reader that stops reading cannot keep the server from shutting down", () => {
  let dir: string;
  let server: SpawnedService;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "okb-login-log-pipe-"));
    server = await spawnService({
      DATABASE_URL: `sqlite:${join(dir, "log-pipe.sqlite")}`,
      LOG_LEVEL: "info",
      SHUTDOWN_TIMEOUT_SECONDS: String(SHUTDOWN_TIMEOUT_SECONDS),
    });
  });
  after(() => {
    if (server.process.exitCode === null && server.process.signalCode === null) {
      server.process.kill("SIGKILL");
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it("keeps answering with its stdout pipe full, and exits on SIGTERM within the shutdown timeout", { timeout: 60_000 }, async (t) => {
    // The reader is gone: nothing takes the log lines off the pipe any more.
    server.process.stdout?.pause();
    let answered = 0;
    let stalled = false;
    for (let sent = 0; sent < LOG_BYTES_TO_WRITE; sent += PADDED_URL.length) {
      try {
        const response = await fetch(`${server.url}${PADDED_URL}`, { signal: AbortSignal.timeout(3000) });
        await response.arrayBuffer();
        answered += 1;
      } catch {
        stalled = true;
        break;
      }
    }

    const signalled = Date.now();
    server.process.kill("SIGTERM");
    const deadline = (SHUTDOWN_TIMEOUT_SECONDS + 5) * 1000;
    assert.ok(await settlesWithin(server.exited, deadline), `still running ${deadline} ms after SIGTERM (answered ${answered} requests, then ${stalled ? "stalled" : "all answered"})`);
    const took = Date.now() - signalled;
    t.diagnostic(`${answered} requests answered with the pipe full; exited ${took} ms after SIGTERM`);
    assert.ok(took < SHUTDOWN_TIMEOUT_SECONDS * 1000, `exited ${took} ms after SIGTERM: shutdown itself should not wait on the log`);
    assert.equal(await server.exited, 0);
    assert.equal(stalled, false, `the server stopped answering after ${answered} requests`);
  });
});
