/**
 * How long `customer import` takes (issue 11, item 12): `scripts/node.sh bench/import.ts`
 * [--rows 100000] [--password-rows 2000] [--backend sqlite|postgres].
 *
 * Runs the real CLI as an operator would, on a fresh migrated database:
 *  1. `--rows` rows with password_hash (the old system's argon2id hashes): parsing,
 *     checking, one transaction of batched inserts;
 *  2. `--password-rows` rows with a plain password, each hashed with argon2id at
 *     the default cost, and the time for `--rows` such rows extrapolated from it.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { openDatabase } from "../src/adapters/db/connect.ts";
import { migrateToLatest } from "../src/adapters/db/migrate.ts";
import { createArgon2Hasher } from "../src/adapters/crypto/argon2-hasher.ts";
import { createTestSchema } from "../test/support/postgres.ts";

const REPO_ROOT = fileURLToPath(new URL("..", import.meta.url));

const { values: args } = parseArgs({
  options: {
    rows: { type: "string", default: "100000" },
    "password-rows": { type: "string", default: "2000" },
    backend: { type: "string", default: "sqlite" },
  },
});

interface Timed {
  seconds: number;
  stdout: string;
  stderr: string;
}

function runImport(file: string, databaseUrl: string): Promise<Timed> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["src/cli/main.ts", "customer", "import", file], {
      cwd: REPO_ROOT,
      env: { PATH: process.env["PATH"] ?? "", DATABASE_URL: databaseUrl, LOG_LEVEL: "silent", UV_THREADPOOL_SIZE: process.env["UV_THREADPOOL_SIZE"] ?? "4" },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
      process.stderr.write(`  | ${chunk}`);
    });
    child.on("error", reject);
    child.on("close", (status) => {
      if (status !== 0) {
        reject(new Error(`customer import exited ${status}: ${stderr}`));
        return;
      }
      resolve({ seconds: (performance.now() - started) / 1000, stdout, stderr });
    });
  });
}

async function freshDatabase(folder: string, name: string): Promise<{ url: string; drop(): Promise<void> }> {
  const target =
    args.backend === "postgres"
      ? await createTestSchema().then((schema) => ({ url: schema.url, drop: () => schema.drop() }))
      : { url: `sqlite:${join(folder, `${name}.sqlite`)}`, drop: () => Promise.resolve() };
  const database = openDatabase(target.url);
  try {
    await migrateToLatest(database.db, database.dialect);
  } finally {
    await database.close();
  }
  return target;
}

function csv(rows: number, secret: (index: number) => string, header: string): string {
  const lines = [header];
  for (let i = 0; i < rows; i += 1) {
    lines.push(`bench${i},bench${i}@example.co.jp,ベンチ ${i},1980-01-31,${secret(i)}`);
  }
  return `${lines.join("\n")}\n`;
}

async function main(): Promise<void> {
  const rows = Number(args.rows);
  const passwordRows = Number(args["password-rows"]);
  const folder = mkdtempSync(join(tmpdir(), "okb-bench-import-"));
  const hasher = createArgon2Hasher({ memoryKiB: 19456, timeCost: 2, parallelism: 1 });
  const hashes = await Promise.all(Array.from({ length: 16 }, (_, i) => hasher.hash(`old password ${i}`)));
  try {
    console.log(`machine: ${cpus()[0]?.model ?? "?"}, ${availableParallelism()} cores; backend ${args.backend}`);

    const hashFile = join(folder, "hashes.csv");
    writeFileSync(hashFile, csv(rows, (i) => `"${hashes[i % hashes.length]}"`, "login_id,email,name,birth_date,password_hash"));
    const hashDb = await freshDatabase(folder, "hashes");
    const byHash = await runImport(hashFile, hashDb.url);
    await hashDb.drop();
    console.log(`${rows} password_hash rows: ${byHash.seconds.toFixed(1)} s (${Math.round(rows / byHash.seconds)} rows/s) — ${byHash.stdout.trim()}`);

    const passwordFile = join(folder, "passwords.csv");
    writeFileSync(passwordFile, csv(passwordRows, (i) => `password number ${i}`, "login_id,email,name,birth_date,password"));
    const passwordDb = await freshDatabase(folder, "passwords");
    const byPassword = await runImport(passwordFile, passwordDb.url);
    await passwordDb.drop();
    const perRow = byPassword.seconds / passwordRows;
    console.log(
      `${passwordRows} password rows: ${byPassword.seconds.toFixed(1)} s (${(perRow * 1000).toFixed(1)} ms a row on ${availableParallelism()} cores); ` +
        `${rows} would take about ${((perRow * rows) / 60).toFixed(0)} min`,
    );
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

await main();
