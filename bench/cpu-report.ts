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

/** The servers' CPU per completed login in ms: all of it, their libuv pools (argon2id), main threads and V8 helpers. */
export interface ServerCpuPerLogin {
  all: number;
  pool: number;
  main: number;
  v8: number;
}

export interface CpuUse {
  /** The lines to print. */
  text: string;
  /** Issue 23's split of the servers' CPU per login (overheadLine). */
  server: ServerCpuPerLogin;
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
  const split = { pool: 0, main: 0, v8: 0 };
  for (const [index, server] of now.servers.entries()) {
    const name = options?.names?.[index] ?? "server";
    const earlier = before.servers[index];
    const main = server.main - (earlier?.main ?? 0);
    const others = server.others - (earlier?.others ?? 0);
    const pool = server.pool - (earlier?.pool ?? 0);
    const v8 = server.v8 - (earlier?.v8 ?? 0);
    parts.push(
      [`${name} main thread (JS, ${before.postgres === null ? "SQLite" : "pg + Redis clients"})`, main],
      [`${name} other threads (argon2id, GC)`, others],
      [`  of which libuv pool (argon2id)`, pool],
      [`  of which V8 helpers (GC, compiler)`, v8],
    );
    perServer.push(main + others);
    split.pool += pool;
    split.main += main;
    split.v8 += v8;
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
    server: { all: perLogin(serverTotal), pool: perLogin(split.pool), main: perLogin(split.main), v8: perLogin(split.v8) },
    perServerMsPerLogin: perServer.map(perLogin),
    perServerCores: perServer.map((used) => used / seconds),
    outsideServersMsPerLogin: { bench: perLogin(bench), postgres: postgres === null ? null : perLogin(postgres), redis: redis === null ? null : perLogin(redis) },
    machineMsPerLogin: perLogin(machine),
  };
}

/**
 * Issue 23's figures, machine-independent: a login costs one argon2id verification (the password step);
 * everything else the server spent per login is our own overhead. argon2id's CPU is read where it runs,
 * libuv's pool (which also takes the few async file and crypto calls, so argon2id is slightly
 * overstated); the baseline's figure (cores ÷ bare verifications per second) is printed beside it, but
 * it is only as steady as the machine: a busy neighbour slows the baseline and inflates it. The
 * server-only ratio is argon2id's share of the server's CPU (1.0: a server doing nothing but hashing).
 */
export function overheadLine(server: ServerCpuPerLogin, baselinePerSecond: number): string {
  const baselineArgon2Ms = (1000 * availableParallelism()) / baselinePerSecond;
  const outside = server.all - server.pool;
  return [
    `server CPU per login ${fmt(server.all, 2)} ms = argon2id ${fmt(server.pool, 2)} ms (the libuv pool's CPU; one bare verification at the baseline's rate: ${fmt(baselineArgon2Ms, 2)} ms)`,
    `  + ${fmt(outside, 2)} ms outside argon2id (main thread ${fmt(server.main, 2)}, V8 helpers ${fmt(server.v8, 2)}, other threads ${fmt(outside - server.main - server.v8, 2)})`,
    `server-only ratio (argon2id ÷ server CPU) ${fmt(server.pool / server.all, 3)}`,
  ].join("\n");
}
