import { availableParallelism } from "node:os";
import { spawnService } from "../test/support/spawned-service.ts";
import type { SpawnedService } from "../test/support/spawned-service.ts";
import { cpuMark, cpuUse, overheadLine } from "./cpu-report.ts";
import type { CpuUse } from "./cpu-report.ts";
import type { BenchInbox } from "./inbox.ts";
import { spawnPinnedService } from "./pinned-service.ts";
import { peakRssMb } from "./process-cpu.ts";
import { reportStorm, runStorm } from "./storm.ts";
import type { BenchCustomer, StormResult } from "./storm.ts";
import { fmt } from "./stats.ts";

/**
 * The name every instance has as PUBLIC_URL, so as the pages' origin: never dialled, only sent as Host and
 * Origin, as a load balancer forwards them (test/support/load-balancer.ts does the same).
 */
export const SCALE_OUT_PUBLIC_URL = "http://login.okb-bench.localhost";

export interface ScaleOutOptions {
  instances: number;
  /** Each instance k held to CPU k (taskset -c k); the rest of the machine not. */
  pin: boolean;
  /** The environment every instance shares: database, Redis and its prefix, SMTP, secrets, keys, PUBLIC_URL. */
  env: Record<string, string>;
  nodeArgs: string[];
  inbox: BenchInbox;
  customers: BenchCustomer[];
  password: string;
  virtualUsers: number;
  /** Bare argon2id verifications/s measured before; `measureBaseline` measures (and prints) another. */
  baselineBefore: number;
  measureBaseline: (when: string) => Promise<number>;
}

interface Phase {
  storm: StormResult;
  cpu: CpuUse;
  names: string[];
  /** Mean of the baselines either side of the phase. */
  baseline: number;
}

/**
 * Issue 23's second figure: logins/s of one instance, then of N instances on the same PostgreSQL database and
 * Redis, in one run (a bare argon2id baseline before, between and after the two phases tells the machine's
 * drift). Instance 0 serves the first phase alone; instances 1 … N-1 start only for the second, so no other
 * instance's outbox worker sends mails for the first. Returns whether every login of both phases completed.
 */
export async function runScaleOut(options: ScaleOutOptions): Promise<boolean> {
  const out = process.stdout;
  const services: SpawnedService[] = [];
  const start = async (index: number): Promise<SpawnedService> => {
    // As `npm start` sizes libuv's pool: the cores the process may use, plus 2.
    const env = { UV_THREADPOOL_SIZE: String((options.pin ? 1 : availableParallelism()) + 2), ...options.env };
    return options.pin ? spawnPinnedService(env, index, { nodeArgs: options.nodeArgs }) : spawnService(env, { nodeArgs: options.nodeArgs });
  };
  const names = (count: number): string[] => Array.from({ length: count }, (_, k) => (options.pin ? `instance ${k} (cpu ${k})` : `instance ${k}`));
  const phase = async (mailNumber: number): Promise<{ storm: StormResult; cpu: CpuUse }> => {
    const pids = services.map((service) => service.process.pid ?? 0);
    const mark = await cpuMark(pids, { services: true });
    const storm = await runStorm({
      baseUrl: SCALE_OUT_PUBLIC_URL,
      instances: services.map((service) => service.url),
      inbox: options.inbox,
      customers: options.customers,
      password: options.password,
      virtualUsers: options.virtualUsers,
      mailNumber,
    });
    return { storm, cpu: await cpuUse(pids, mark, storm.seconds, storm.completed, { names: names(services.length), notPinned: options.pin }) };
  };
  try {
    services.push(await start(0));
    const first = await phase(1);
    const between = await options.measureBaseline("between the phases");
    for (let k = 1; k < options.instances; k += 1) {
      services.push(await start(k));
    }
    const second = await phase(2);
    const peakRss = services.map((service) => peakRssMb(service.process.pid));
    const after = await options.measureBaseline("after the second phase");
    const one: Phase = { ...first, names: names(1), baseline: (options.baselineBefore + between) / 2 };
    const many: Phase = { ...second, names: names(services.length), baseline: (between + after) / 2 };
    printScaleOut(options, one, many);
    out.write(`peak RSS: ${peakRss.map((mb, k) => `instance ${k} ${fmt(mb)} MB`).join(", ")}\n`);
    return first.storm.completed === options.customers.length && second.storm.completed === options.customers.length;
  } finally {
    const codes = await Promise.all(services.map((service) => service.stop()));
    for (const [index, code] of codes.entries()) {
      if (code !== 0) {
        out.write(`instance ${index} exited with ${code}:\n${services[index]?.output().slice(-2000) ?? ""}\n`);
      }
    }
  }
}

function printScaleOut(options: ScaleOutOptions, one: Phase, many: Phase): void {
  const out = process.stdout;
  const n = options.instances;
  const cores = availableParallelism();
  out.write(`\n# Scale-out: 1 instance, then ${n} instances, on one PostgreSQL database and one Redis\n`);
  out.write(
    options.pin
      ? `pinned: instance k runs on CPU k alone (as under taskset -c k: every thread; it sees 1 core, so UV_THREADPOOL_SIZE=3 and one argon2id in flight, as npm start on a one-core machine). NOT pinned: the load generator and SMTP server (this process), PostgreSQL and Redis: they share the ${cores} cores with the instances.\n`
      : `not pinned: every instance, the load generator and SMTP server, PostgreSQL and Redis share the ${cores} cores.\n`,
  );
  out.write(
    `routing: every instance shares PUBLIC_URL ${SCALE_OUT_PUBLIC_URL} (sent as Host and Origin), SERVER_SECRET, the OIDC and confirmation signing keys, DATABASE_URL and REDIS_PREFIX; request r of the j-th login goes to instance (j + r) mod N (round-robin per request), so with 2 instances each login's code screen and マイページ are served by another instance than its password and code steps: the shared state carries the login across. Same ${options.virtualUsers} virtual users in both phases.\n`,
  );
  for (const [title, phase] of [
    [`1 instance`, one],
    [`${n} instances`, many],
  ] as const) {
    reportStorm(`${title}: ${phase.names.join(", ")}`, phase.storm, phase.baseline);
    out.write(`${phase.cpu.text}\n${overheadLine(phase.cpu.server, phase.baseline)}\n`);
  }
  const ratio = many.storm.loginsPerSecond / one.storm.loginsPerSecond;
  // Each phase's rate over the machine's speed around it (the baselines either side), so drift between the phases cancels.
  const corrected = many.storm.loginsPerSecond / many.baseline / (one.storm.loginsPerSecond / one.baseline);
  out.write(`\n## Scale-out figures\n`);
  out.write(
    `logins/s: 1 instance ${fmt(one.storm.loginsPerSecond, 2)}, ${n} instances ${fmt(many.storm.loginsPerSecond, 2)}: ratio ${n}/1 = ${fmt(ratio, 3)} (issue 23: ≥ 1.6); against the baselines around each phase (${fmt(one.baseline, 1)}/s, ${fmt(many.baseline, 1)}/s): ${fmt(corrected, 3)}\n`,
  );
  const busy = (phase: Phase): string =>
    phase.names.map((name, k) => `${name} ${fmt(phase.cpu.perServerMsPerLogin[k] ?? Number.NaN, 2)} ms, busy ${fmt(100 * (phase.cpu.perServerCores[k] ?? Number.NaN))} % of a core`).join("; ");
  out.write(`server CPU per login (every thread): 1 instance ${fmt(one.cpu.serverMsPerLogin, 2)} ms (${busy(one)})\n`);
  out.write(`  ${n} instances together ${fmt(many.cpu.serverMsPerLogin, 2)} ms (${busy(many)})\n`);
  const outside = (phase: Phase): string => {
    const parts = phase.cpu.outsideServersMsPerLogin;
    return `load generator + SMTP ${fmt(parts.bench, 2)}, PostgreSQL ${fmt(parts.postgres ?? Number.NaN, 2)}, Redis ${fmt(parts.redis ?? Number.NaN, 2)}, whole machine ${fmt(phase.cpu.machineMsPerLogin, 2)} ms`;
  };
  out.write(`outside the instances, per login: 1 instance: ${outside(one)}\n  ${n} instances: ${outside(many)}\n`);
  // The N instances cannot finish logins faster than the machine's cores can pay for all a login costs.
  const parts = many.cpu.outsideServersMsPerLogin;
  const ours = many.cpu.serverMsPerLogin + parts.bench + (parts.postgres ?? 0) + (parts.redis ?? 0);
  const ceiling = (msPerLogin: number): string => `${fmt((1000 * cores) / msPerLogin, 2)} logins/s = ${fmt((1000 * cores) / msPerLogin / one.storm.loginsPerSecond, 3)} × the 1-instance rate`;
  out.write(
    `ceiling of ${n} instances on this machine: ${cores} cores ÷ ${fmt(ours, 2)} ms per login (the ${n} instances ${fmt(many.cpu.serverMsPerLogin, 2)} + everything outside them above) = ${ceiling(ours)}; ÷ ${fmt(many.cpu.machineMsPerLogin, 2)} ms (the whole machine as /proc/stat saw it, whatever else ran) = ${ceiling(many.cpu.machineMsPerLogin)}\n`,
  );
  if (options.pin) {
    out.write(
      `with the load generator, SMTP, PostgreSQL and Redis on other machines and each instance's core its own: ${n} × ${fmt(one.cpu.serverMsPerLogin, 2)} ÷ ${fmt(many.cpu.serverMsPerLogin, 2)} ms = ${fmt((n * one.cpu.serverMsPerLogin) / many.cpu.serverMsPerLogin, 3)} × (1 instance's server CPU per login ÷ ${n} instances')\n`,
    );
  }
}
