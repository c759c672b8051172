import { availableParallelism } from "node:os";
import { fmt } from "./stats.ts";
import { benchPostgresPids } from "./postgres-processes.ts";
import { machineCpu, processesCpu, processesCpuByPid, threadCpu } from "./process-cpu.ts";
import type { MachineCpu, ThreadCpu } from "./process-cpu.ts";

/** CPU seconds used so far by each part of the run (read again after a phase; the difference is the phase's). */
export interface CpuMark {
  servers: ThreadCpu[];
  /** This process: the load generator and the SMTP server. */
  bench: number;
  /** CPU seconds of each PostgreSQL process serving the bench (benchPostgresPids), by pid; null on SQLite. */
  postgres: Map<number, number> | null;
  /** Every `redis-server` process on the machine (null on SQLite). */
  redis: number | null;
  machine: MachineCpu;
}

export async function cpuMark(pids: number[], options: { services: boolean }): Promise<CpuMark> {
  const postgresPids = options.services ? await benchPostgresPids() : null;
  const usage = process.cpuUsage();
  return {
    servers: pids.map((pid) => threadCpu(pid)),
    bench: (usage.user + usage.system) / 1e6,
    postgres: postgresPids === null ? null : processesCpuByPid(postgresPids),
    redis: options.services ? processesCpu("redis-server") : null,
    machine: machineCpu(),
  };
}

/**
 * What the bench's PostgreSQL processes used between two marks: a backend that started meanwhile counts whole;
 * one that ended meanwhile is missed (the servers' pools keep their connections through a storm).
 */
function postgresSeconds(before: Map<number, number>, now: Map<number, number>): number {
  let total = 0;
  for (const [pid, seconds] of now) {
    total += seconds - (before.get(pid) ?? 0);
  }
  return total;
}

export interface CpuUse {
  /** The lines to print. */
  text: string;
  /** Every server process's CPU (all threads) per completed login, ms. */
  serverMsPerLogin: number;
  /** Each server's CPU per completed login, ms (same order as the pids). */
  perServerMsPerLogin: number[];
  /** Each server's busy time as a share of one core (1 = one core all the phase). */
  perServerCores: number[];
  /** The load generator + SMTP server, PostgreSQL and Redis per completed login, ms (those measured). */
  outsideServersMsPerLogin: { bench: number; postgres: number | null; redis: number | null };
  /** The whole machine's busy CPU (/proc/stat) per completed login, ms. */
  machineMsPerLogin: number;
}

/**
 * Where the machine's CPU went between `before` and now, as a share of all cores and as milliseconds per
 * completed login. `names` labels each server process (default "server").
 */
export async function cpuUse(pids: number[], before: CpuMark, seconds: number, logins: number, options?: { names?: string[]; notPinned?: boolean }): Promise<CpuUse> {
  const now = await cpuMark(pids, { services: before.postgres !== null });
  const capacity = seconds * availableParallelism();
  const perLogin = (used: number): number => (1000 * used) / logins;
  const parts: Array<[string, number]> = [];
  const perServer: number[] = [];
  for (const [index, server] of now.servers.entries()) {
    const name = options?.names?.[index] ?? "server";
    const main = server.main - (before.servers[index]?.main ?? 0);
    const others = server.others - (before.servers[index]?.others ?? 0);
    parts.push([`${name} main thread (JS, ${before.postgres === null ? "SQLite" : "pg + Redis clients"})`, main], [`${name} other threads (argon2id, GC)`, others]);
    perServer.push(main + others);
  }
  const outside = options?.notPinned === true ? " (not pinned)" : "";
  const bench = now.bench - before.bench;
  parts.push([`load generator + SMTP server${outside}`, bench]);
  const postgres = now.postgres === null || before.postgres === null ? null : postgresSeconds(before.postgres, now.postgres);
  const redis = now.redis === null || before.redis === null ? null : now.redis - before.redis;
  if (postgres !== null && redis !== null) {
    parts.push([`PostgreSQL: our backends + its own${outside}`, postgres], [`Redis: every client's${outside}`, redis]);
  }
  const machine = now.machine.busy - before.machine.busy;
  // Everything: the parts above, the kernel's network work, and whatever else runs on the machine meanwhile.
  parts.push(["whole machine (/proc/stat)", machine]);
  const width = Math.max(38, ...parts.map(([name]) => name.length));
  const lines = parts.map(([name, used]) => `  ${name.padEnd(width)} ${fmt((100 * used) / capacity).padStart(5)} % = ${fmt(perLogin(used), 2)} ms per login`);
  const cores = now.machine.perCore.map((busy, core) => `cpu${core} ${fmt((100 * (busy - (before.machine.perCore[core] ?? 0))) / seconds)} %`);
  lines.push(`  busy per core: ${cores.join(", ")}; stolen by the hypervisor: ${fmt((100 * (now.machine.steal - before.machine.steal)) / capacity)} % of all cores`);
  const serverTotal = perServer.reduce((sum, used) => sum + used, 0);
  return {
    text: `CPU used (of ${availableParallelism()} cores):\n${lines.join("\n")}`,
    serverMsPerLogin: perLogin(serverTotal),
    perServerMsPerLogin: perServer.map(perLogin),
    perServerCores: perServer.map((used) => used / seconds),
    outsideServersMsPerLogin: { bench: perLogin(bench), postgres: postgres === null ? null : perLogin(postgres), redis: redis === null ? null : perLogin(redis) },
    machineMsPerLogin: perLogin(machine),
  };
}

/**
 * Issue 23's figures, machine-independent: a login costs one argon2id verification (the password step),
 * whose CPU is the baseline's (every core busy with bare verifications: cores ÷ rate); everything else the
 * server spent per login is our own overhead. The server-only ratio is argon2id's share of the server's CPU.
 */
export function overheadLine(serverMsPerLogin: number, baselinePerSecond: number): string {
  const argon2Ms = (1000 * availableParallelism()) / baselinePerSecond;
  const outside = serverMsPerLogin - argon2Ms;
  return `server CPU per login ${fmt(serverMsPerLogin, 2)} ms = argon2id ${fmt(argon2Ms, 2)} ms (one verification at the baseline's rate) + ${fmt(outside, 2)} ms outside argon2id; server-only ratio (argon2id ÷ server CPU) ${fmt(argon2Ms / serverMsPerLogin, 3)}`;
}
