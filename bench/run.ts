/**
 * The 9:00 market-open login storm (issue #5). `npm run bench -- --help`.
 * Prints every figure with the bare argon2id baseline measured in the same run.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { generateKeyPairSync, randomUUID } from "node:crypto";
import { openDatabase } from "../src/adapters/db/connect.ts";
import { migrateToLatest } from "../src/adapters/db/migrate.ts";
import { createArgon2Hasher } from "../src/adapters/crypto/argon2-hasher.ts";
import { spawnService } from "../test/support/spawned-service.ts";
import { createTestSchema } from "../test/support/postgres.ts";
import { measureArgon2Baseline } from "./baseline.ts";
import { BenchInbox } from "./inbox.ts";
import { reportStorm, runStorm } from "./storm.ts";
import type { BenchCustomer } from "./storm.ts";
import { startAttack } from "./attacker.ts";
import type { AttackResult } from "./attacker.ts";
import { fmt } from "./stats.ts";
import { cpuMark, cpuUse, overheadLine } from "./cpu-report.ts";
import { peakRssMb } from "./process-cpu.ts";
import { runScaleOut, SCALE_OUT_PUBLIC_URL } from "./scale-out.ts";
import { BENCH_APPLICATION_NAME } from "./postgres-processes.ts";

const { values: args } = parseArgs({
  options: {
    customers: { type: "string", default: "2000" },
    "virtual-users": { type: "string", default: "24" },
    "attack-multiplier": { type: "string", default: "3" },
    "baseline-seconds": { type: "string", default: "5" },
    backend: { type: "string", default: "sqlite" },
    "no-attack": { type: "boolean", default: false },
    "log-level": { type: "string", default: "info" },
    /** KEY=VALUE for the server's environment, repeatable (e.g. HASH_MAX_IN_FLIGHT=1), to compare settings. */
    "server-env": { type: "string", multiple: true, default: [] },
    /** Write a V8 CPU profile of the server to this folder (open it in Chrome DevTools). */
    "cpu-prof": { type: "string" },
    /** Issue 23: logins/s of 1 instance, then of N on the same PostgreSQL + Redis (scale-out.ts). */
    instances: { type: "string", default: "1" },
    /** With --instances: instance k on CPU k alone (taskset -c k). */
    pin: { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});
const USAGE = `npm run bench -- [--customers 2000] [--virtual-users 24] [--attack-multiplier 3] [--backend sqlite|postgres] [--no-attack] [--baseline-seconds 5] [--log-level info] [--server-env KEY=VALUE …] [--cpu-prof DIR]
npm run bench -- --backend postgres --no-attack --instances N [--pin] [--customers …] [--virtual-users …] …
  --instances N (N ≥ 2, PostgreSQL + Redis, without the attack): the storm against 1 instance, then against N
    instances on the same database and Redis (shared secret and keys; round-robin per request, so a login's
    steps cross instances); prints logins/s of both, the ratio N/1 and each instance's CPU per login.
  --pin: instance k runs on CPU k alone (as taskset -c k; N ≤ cores); the load generator, SMTP server,
    PostgreSQL and Redis are not pinned.
`;
if (args.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const INSTANCES = Number(args.instances);
function usageProblem(): string | null {
  if (!Number.isInteger(INSTANCES) || INSTANCES < 1) {
    return "--instances takes a whole number ≥ 2";
  }
  if (INSTANCES === 1) {
    return args.pin ? "--pin goes with --instances N (N ≥ 2)" : null;
  }
  if (args.backend !== "postgres") {
    return "--instances needs --backend postgres: the instances share one database and one Redis";
  }
  if (!args["no-attack"]) {
    return "--instances measures the storm without the attack: add --no-attack";
  }
  if (args.pin && INSTANCES > availableParallelism()) {
    return `--pin needs a core per instance: ${INSTANCES} instances, ${availableParallelism()} cores`;
  }
  return null;
}
const problem = usageProblem();
if (problem !== null) {
  process.stderr.write(`${problem}\n\n${USAGE}`);
  process.exit(2);
}
const CUSTOMERS = Number(args.customers);
const VIRTUAL_USERS = Number(args["virtual-users"]);
const ATTACK_MULTIPLIER = Number(args["attack-multiplier"]);
const PASSWORD = "market open 9:00";
const ARGON2 = { memoryKiB: 19456, timeCost: 2, parallelism: 1 };

function serverEnv(pairs: string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0) {
      throw new Error(`--server-env takes KEY=VALUE, got ${pair}`);
    }
    env[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return env;
}

async function main(): Promise<void> {
  const out = process.stdout;
  out.write(`# okb-login market-open storm\n`);
  out.write(`machine: ${availableParallelism()} cores (${cpus()[0]?.model ?? "?"}), ${fmt(totalmem() / 2 ** 30)} GiB, Node ${process.version}; backend ${args.backend}; ${CUSTOMERS} customers, ${VIRTUAL_USERS} virtual users${INSTANCES > 1 ? `; 1 then ${INSTANCES} instances${args.pin ? ", each pinned to one core" : ""}` : ""}\n`);

  const baselineBefore = await measureArgon2Baseline({ ...ARGON2, seconds: Number(args["baseline-seconds"]) });
  out.write(`\n## Baseline\nbare argon2id verifications on ${baselineBefore.cores} cores (m=19 MiB, t=2, p=1), before the storm: ${fmt(baselineBefore.perSecond, 2)}/s (${fmt(baselineBefore.meanMs)} ms each)\n`);

  const inbox = new BenchInbox();
  const smtpUrl = await inbox.listen();
  const dir = mkdtempSync(join(tmpdir(), "okb-bench-"));
  const schema = args.backend === "postgres" ? await createTestSchema() : null;
  // The servers' connections carry their own application_name: the bench counts their PostgreSQL backends' CPU, not other clients'.
  const databaseUrl = schema === null ? `sqlite:${join(dir, "bench.sqlite")}` : `${schema.url}&application_name=${BENCH_APPLICATION_NAME}`;

  // Customers straight into the database; one hash for all (same cost to verify, minutes less to seed).
  const database = openDatabase(databaseUrl);
  await migrateToLatest(database.db, database.dialect);
  const passwordHash = await createArgon2Hasher(ARGON2).hash(PASSWORD);
  const customers: BenchCustomer[] = [];
  const now = Date.now();
  for (let start = 0; start < CUSTOMERS; start += 500) {
    const rows = [];
    for (let i = start; i < Math.min(CUSTOMERS, start + 500); i += 1) {
      const loginId = `storm${i}`;
      customers.push({ loginId, email: `${loginId}@example.co.jp`, ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${(i & 255) + 1 > 254 ? 254 : (i & 255) + 1}` });
      rows.push({ id: randomUUID(), login_id: loginId, email: `${loginId}@example.co.jp`, name: `顧客 ${i}`, password_hash: passwordHash, mfa_enabled: 1, created_at: now });
    }
    await database.db.insertInto("customers").values(rows).execute();
  }
  await database.close();

  // Every instance gets the same secret and signing keys (an instance checks what another one made).
  const signingKey = (): string => generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const env: Record<string, string> = {
    // As `npm start` sets them (UV_THREADPOOL_SIZE: the cores the server may use + 2, set where it starts).
    MALLOC_ARENA_MAX: "2",
    NODE_OPTIONS: "--max-semi-space-size=4",
    DATABASE_URL: databaseUrl,
    SMTP_URL: smtpUrl,
    SERVER_SECRET: "benchmark-secret-benchmark-secret-0123",
    OIDC_SIGNING_KEY: signingKey(),
    CONFIRMATION_SIGNING_KEY: signingKey(),
    TRUST_PROXY: "127.0.0.1",
    LOG_LEVEL: args["log-level"] ?? "info",
    ...(args.backend === "postgres" ? { REDIS_URL: "redis://127.0.0.1:6379", REDIS_PREFIX: `bench-${randomUUID()}:` } : {}),
    ...serverEnv(args["server-env"] ?? []),
  };
  const nodeArgs = args["cpu-prof"] === undefined ? [] : ["--cpu-prof", `--cpu-prof-dir=${args["cpu-prof"]}`];
  try {
    if (INSTANCES > 1) {
      const measureBaseline = async (when: string): Promise<number> => {
        const baseline = await measureArgon2Baseline({ ...ARGON2, seconds: Number(args["baseline-seconds"]) });
        out.write(`${when}: ${fmt(baseline.perSecond, 2)}/s (${fmt(baseline.meanMs)} ms each)\n`);
        return baseline.perSecond;
      };
      const complete = await runScaleOut({
        instances: INSTANCES,
        pin: args.pin ?? false,
        env: { ...env, PUBLIC_URL: SCALE_OUT_PUBLIC_URL },
        nodeArgs,
        inbox,
        customers,
        password: PASSWORD,
        virtualUsers: VIRTUAL_USERS,
        baselineBefore: baselineBefore.perSecond,
        measureBaseline,
      });
      // Not a timing check: a benchmark whose logins fail measures nothing.
      if (!complete) {
        process.exitCode = 1;
      }
    } else {
      await oneInstance({ UV_THREADPOOL_SIZE: String(availableParallelism() + 2), ...env }, nodeArgs, inbox, customers, baselineBefore.perSecond);
    }
    out.write(`\nmails received by the SMTP server: ${inbox.received}\n`);
  } finally {
    await inbox.close();
    await schema?.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The storm against one server (and again under attack unless --no-attack). */
async function oneInstance(env: Record<string, string>, nodeArgs: string[], inbox: BenchInbox, customers: BenchCustomer[], baselineBefore: number): Promise<void> {
  const out = process.stdout;
  const services = args.backend === "postgres";
  const service = await spawnService(env, { nodeArgs });
  const pid = service.process.pid ?? 0;
  try {
    let mark = await cpuMark([pid], { services });
    const storm = await runStorm({ baseUrl: service.url, inbox, customers, password: PASSWORD, virtualUsers: VIRTUAL_USERS, mailNumber: 1 });
    const stormCpu = await cpuUse([pid], mark, storm.seconds, storm.completed);
    // This shared machine's speed drifts by ±15 % within minutes: measure the limit
    // again right after the storm (the server idle) and compare with the mean.
    const baselineAfter = await measureArgon2Baseline({ ...ARGON2, seconds: Number(args["baseline-seconds"]) });
    const baseline = (baselineBefore + baselineAfter.perSecond) / 2;
    out.write(`after the storm: ${fmt(baselineAfter.perSecond, 2)}/s (${fmt(baselineAfter.meanMs)} ms each); ratios below use the mean, ${fmt(baseline, 2)}/s\n`);
    reportStorm("Storm", storm, baseline);
    out.write(`${stormCpu.text}\n${overheadLine(stormCpu.server, baseline)}\n`);
    // Not a timing check: a benchmark whose logins fail measures nothing (CI runs it with a tiny N for this).
    if (storm.completed !== CUSTOMERS) {
      process.exitCode = 1;
    }
    out.write(`peak RSS of the server: ${fmt(peakRssMb(pid))} MB\n`);

    if (!args["no-attack"]) {
      const rate = Math.round(ATTACK_MULTIPLIER * baseline);
      mark = await cpuMark([pid], { services });
      const attack = startAttack({ baseUrl: service.url, ratePerSecond: rate, maxInFlight: 2000 });
      const attacked = await runStorm({ baseUrl: service.url, inbox, customers, password: PASSWORD, virtualUsers: VIRTUAL_USERS, mailNumber: 2 });
      const result: AttackResult = await attack.stop();
      if (attacked.completed !== CUSTOMERS) {
        process.exitCode = 1;
      }
      reportStorm(`Storm under attack (${ATTACK_MULTIPLIER} × capacity = ${rate} wrong passwords/s for random IDs from random addresses)`, attacked, baseline);
      out.write(`${(await cpuUse([pid], mark, attacked.seconds, attacked.completed)).text}\n`);
      out.write(`legitimate logins/s under attack: ${fmt(attacked.loginsPerSecond / storm.loginsPerSecond, 3)} × the unattacked rate; whole-login p99 ${fmt(attacked.steps.whole.percentile(99))} ms\n`);
      out.write(
        `attack requests: sent ${result.sent} (${fmt(result.sent / attacked.seconds)}/s achieved), answered 401 [5101] ${result.checked}, shed 503 ${result.shed}, rate-limited 429 ${result.limited}, other ${result.other}, not sent (generator full) ${result.skipped}\n`,
      );
      out.write(`peak RSS of the server: ${fmt(peakRssMb(pid))} MB\n`);
    }
  } finally {
    const code = await service.stop();
    if (code !== 0) {
      out.write(`server exited with ${code}:\n${service.output().slice(-2000)}\n`);
    }
  }
}

await main();
