import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { runCliProcess } from "../support/run-cli.ts";
import type { CliRun } from "../support/run-cli.ts";
import { sqliteFolders } from "./cli-databases.ts";

// The other CLI tests call the CLI's own entry point in-process (test/support/run-cli.ts, issue 18 §2).
// These few prove the real command line around it: `node src/cli/main.ts` as its own process (arguments,
// a password piped on stdin, the exit status, output flushed to pipes) and `npm run cli` on Node 24.
const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));
const folders = sqliteFolders();
const PASSWORD = "correct horse 7";

function runNpmCli(args: string[]): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn("npm", ["run", "--silent", "cli", "--", ...args], { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

describe("the real command line (spawned CLI processes)", { timeout: 120_000 }, () => {
  after(() => {
    folders.removeAll();
  });

  it("migrate, then customer add with the password piped on stdin: exit 0; the same login ID again: exit 2 with one error line", async () => {
    const db = folders.missing();
    const migrated = await runCliProcess(["migrate"], { databaseUrl: db.url });
    assert.equal(migrated.status, 0, migrated.stderr);
    const args = ["customer", "add", "--login-id", "smoke01", "--email", "smoke@example.co.jp", "--name", "煙 太郎", "--birth-date", "1980-01-31"];
    const added = await runCliProcess(args, { databaseUrl: db.url, stdin: `${PASSWORD}\n` });
    assert.equal(added.status, 0, added.stderr);
    assert.match(added.stdout, /smoke01/);
    assert.equal(added.stdout.includes(PASSWORD) || added.stderr.includes(PASSWORD), false);
    const again = await runCliProcess(args, { databaseUrl: db.url, stdin: `${PASSWORD}\n` });
    assert.equal(again.status, 2);
    assert.match(again.stderr, /^error: /);
  });

  it("an unknown command: exit 2 and the usage on stderr", async () => {
    const run = await runCliProcess(["customer", "frobnicate"], { databaseUrl: "sqlite::memory:" });
    assert.equal(run.status, 2);
    assert.match(run.stderr, /^error: unknown command "customer frobnicate"/);
    assert.match(run.stderr, /usage: npm run cli -- <command>/);
  });

  it("npm run cli -- help prints the usage and exits 0, on Node 24 (scripts/node.sh)", async () => {
    const run = await runNpmCli(["help"]);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^usage: npm run cli -- <command>/);
  });
});
