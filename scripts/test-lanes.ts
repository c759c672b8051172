// The test suite in lanes, each timed (issue 18 §2). `npm test` runs all of them after the
// preflight; `npm run test:fast` the type check and the fast lane; `npm run test:timing` all
// of them, for the wall times. Every lane runs to the end even when an earlier one failed;
// the exit status is 1 when any failed.
//
//   scripts/node.sh scripts/test-lanes.ts [LANE...]     (default: every lane, in this order)
//
// - typecheck: tsc --noEmit.
// - fast: test/unit, test/contract and test/http in one process per shard (--test-isolation=none:
//   no process and no TypeScript load per file), FAST_SHARDS shards side by side (default 2, one
//   per core here), files dealt out by size. Real SQLite, PostgreSQL, Redis and SMTP as everywhere.
// - cli: test/cli in one process; the CLI runs in-process through its entry point
//   (test/support/run-cli.ts), command-line.spawned.test.ts spawns the real one.
// - e2e: test/e2e, each file in its own process, E2E_CONCURRENCY of them at a time (default 2):
//   browsers, spawned and killed servers, the compiled build, shutdown timing.
//
// At the end: each lane's wall time and test count, the whole, and one closing line
// "tests: N passed, N failed" (", N skipped" when some were).
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";

const REPO_ROOT = fileURLToPath(new URL("..", import.meta.url));

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

interface RunResult {
  ok: boolean;
  output: string;
  counts: Counts;
}

interface LaneResult {
  name: string;
  seconds: number;
  ok: boolean;
  counts: Counts | null;
}

function testFiles(folder: string, options: { timing?: "only" | "none" } = {}): string[] {
  return readdirSync(join(REPO_ROOT, folder))
    .filter((name) => name.endsWith(".test.ts"))
    .filter((name) => (options.timing === undefined ? true : name.endsWith(TIMING_SUFFIX) === (options.timing === "only")))
    .sort()
    .map((name) => `${folder}/${name}`);
}

/**
 * Tests that compare response times (`*.timing.test.ts`, e.g. recovery answering alike whatever matched) run
 * in a lane of their own (issue 18 §2): they are slow by design (many interleaved pairs) and want a quiet machine.
 */
const TIMING_SUFFIX = ".timing.test.ts";

/** Deals files out to `shards` lists, biggest first onto the lightest list (size stands in for run time). */
function dealOut(files: string[], shards: number): string[][] {
  const lists: { files: string[]; bytes: number }[] = Array.from({ length: shards }, () => ({ files: [], bytes: 0 }));
  const sized = files.map((file) => ({ file, bytes: statSync(join(REPO_ROOT, file)).size })).sort((a, b) => b.bytes - a.bytes);
  for (const { file, bytes } of sized) {
    const lightest = lists.reduce((least, list) => (list.bytes < least.bytes ? list : least));
    lightest.files.push(file);
    lightest.bytes += bytes;
  }
  return lists.map((list) => list.files.sort()).filter((list) => list.length > 0);
}

/** The spec reporter's summary lines ("ℹ pass 12"); zero where a run printed none. */
function countsOf(output: string): Counts {
  const read = (word: string): number => {
    const found = [...output.matchAll(new RegExp(`^ℹ ${word} (\\d+)$`, "gm"))];
    return found.reduce((sum, match) => sum + Number(match[1]), 0);
  };
  return { passed: read("pass"), failed: read("fail") + read("cancelled"), skipped: read("skipped") + read("todo") };
}

/** Runs node with `args`; streams its output when `live`, else keeps it for later. */
function runNode(args: string[], live: boolean, env: Record<string, string> = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } });
    let output = "";
    const take = (chunk: string, to: NodeJS.WriteStream): void => {
      output += chunk;
      if (live) {
        to.write(chunk);
      }
    };
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => take(chunk, process.stdout));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => take(chunk, process.stderr));
    child.on("error", reject);
    child.on("close", (status) => resolve({ ok: status === 0, output, counts: countsOf(output) }));
  });
}

function testArgs(isolation: "none" | "process", files: string[], concurrency = 1): string[] {
  // In one process, a handle some file left open would keep it alive for ever (CI would wait out its
  // 90 minutes): --test-force-exit ends it once the last test has finished.
  const isolated = isolation === "none" ? ["--test-isolation=none", "--test-force-exit"] : [`--test-concurrency=${concurrency}`];
  return ["--test", "--test-reporter=spec", ...isolated, ...files];
}

function sum(results: RunResult[]): Counts {
  return results.reduce(
    (total, { counts }) => ({ passed: total.passed + counts.passed, failed: total.failed + counts.failed, skipped: total.skipped + counts.skipped }),
    { passed: 0, failed: 0, skipped: 0 },
  );
}

/**
 * Drops the PostgreSQL schemas the side-by-side shards made (test/support/postgres.ts names them with
 * `prefix` and leaves them while another shard may be migrating).
 */
async function dropSchemas(prefix: string): Promise<void> {
  const client = new pg.Client({ connectionString: process.env["TEST_POSTGRES_URL"] ?? "postgres://root@127.0.0.1:5432/test" });
  try {
    await client.connect();
    const { rows } = await client.query<{ name: string }>("select nspname as name from pg_namespace where starts_with(nspname, $1)", [prefix]);
    for (const { name } of rows) {
      await client.query(`drop schema "${name}" cascade`);
    }
  } catch (error) {
    process.stderr.write(`test-lanes: could not drop the test schemas ${prefix}*: ${(error as Error).message}\n`);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A positive whole number from the environment, else `fallback`. */
function countFromEnv(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

type Lane = () => Promise<{ ok: boolean; counts: Counts | null; label?: string }>;

const LANES: Record<string, Lane> = {
  async typecheck() {
    const tsc = join(dirname(createRequire(import.meta.url).resolve("typescript/package.json")), "bin", "tsc");
    const result = await runNode([tsc, "--noEmit", "-p", join(REPO_ROOT, "tsconfig.json")], true);
    return { ok: result.ok, counts: null };
  },
  async fast() {
    const shards = countFromEnv("FAST_SHARDS", 2);
    const lists = dealOut([...testFiles("test/unit"), ...testFiles("test/contract"), ...testFiles("test/http", { timing: "none" })], shards);
    const prefix = `okb_test_${randomBytes(4).toString("hex")}_`;
    // Side by side, each shard's output printed whole when it ends (interleaved lines would be unreadable).
    const results = await Promise.all(
      lists.map(async (files, index) => {
        const result = await runNode(testArgs("none", files), lists.length === 1, { TEST_SCHEMA_PREFIX: prefix });
        if (lists.length > 1) {
          process.stdout.write(`\n--- fast lane, shard ${index + 1}/${lists.length} (${files.length} files) ---\n${result.output}`);
        }
        return result;
      }),
    );
    await dropSchemas(prefix);
    return { ok: results.every((result) => result.ok), counts: sum(results), label: `fast (${lists.length} shards)` };
  },
  async timing() {
    const result = await runNode(testArgs("process", testFiles("test/http", { timing: "only" })), true);
    return { ok: result.ok, counts: result.counts };
  },
  async cli() {
    const result = await runNode(testArgs("none", testFiles("test/cli")), true);
    return { ok: result.ok, counts: result.counts };
  },
  async e2e() {
    // Two files at a time (E2E_CONCURRENCY): a browser file leaves a core idle about half the time.
    const concurrency = countFromEnv("E2E_CONCURRENCY", 2);
    const result = await runNode(testArgs("process", testFiles("test/e2e"), concurrency), true);
    return { ok: result.ok, counts: result.counts };
  },
};

async function main(): Promise<void> {
  const asked = process.argv.slice(2);
  const names = asked.length === 0 ? Object.keys(LANES) : asked;
  const unknown = names.filter((name) => LANES[name] === undefined);
  if (unknown.length > 0) {
    process.stderr.write(`test-lanes: unknown lane ${unknown.join(", ")}; lanes: ${Object.keys(LANES).join(", ")}\n`);
    process.exitCode = 2;
    return;
  }
  const started = performance.now();
  const results: LaneResult[] = [];
  for (const name of names) {
    process.stdout.write(`\n=== lane ${name} ===\n`);
    const laneStarted = performance.now();
    const lane = await (LANES[name] as Lane)();
    results.push({ name: lane.label ?? name, seconds: (performance.now() - laneStarted) / 1000, ok: lane.ok, counts: lane.counts });
  }
  const whole = (performance.now() - started) / 1000;

  const total: Counts = { passed: 0, failed: 0, skipped: 0 };
  const lines = [`\ntest lanes on Node ${process.version} (wall time):`];
  for (const result of results) {
    const counted = result.counts === null ? "" : `  ${result.counts.passed + result.counts.failed + result.counts.skipped} tests`;
    lines.push(`  ${result.name.padEnd(18)} ${result.seconds.toFixed(1).padStart(7)} s  ${result.ok ? "ok    " : "FAILED"}${counted}`);
    if (result.counts !== null) {
      total.passed += result.counts.passed;
      total.failed += result.counts.failed;
      total.skipped += result.counts.skipped;
    }
  }
  lines.push(`  ${"whole".padEnd(18)} ${whole.toFixed(1).padStart(7)} s`);
  const failedLanes = results.filter((result) => !result.ok).length;
  // A lane can fail with no failed test counted (tsc, a file that does not load): never report 0 failed then.
  const failed = Math.max(total.failed, failedLanes > 0 && total.failed === 0 ? failedLanes : 0);
  lines.push(`tests: ${total.passed} passed, ${failed} failed${total.skipped > 0 ? `, ${total.skipped} skipped` : ""}`);
  process.stdout.write(`${lines.join("\n")}\n`);
  process.exitCode = failedLanes > 0 ? 1 : 0;
}

await main();
