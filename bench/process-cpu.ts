import { readdirSync, readFileSync } from "node:fs";

/** CPU seconds (user + system) of a process, split by thread, read from /proc. */
export interface ThreadCpu {
  /** The JavaScript thread: fastify, Kysely, SQLite (better-sqlite3 runs on it), templates, logging. */
  main: number;
  /** Every other thread: libuv's pool and V8's helpers (below), and any other. */
  others: number;
  /** libuv's thread pool (`libuv-worker`): argon2id (@node-rs/argon2 runs there), and async file and crypto calls. */
  pool: number;
  /** V8's helper threads (`V8Worker`): concurrent and parallel GC, background compilation. */
  v8: number;
}

/** A /proc stat line's thread (or process) name and its CPU seconds, user + system. */
function threadStat(stat: string): { name: string; seconds: number } {
  const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
  const fields = stat.slice(stat.lastIndexOf(") ") + 2).split(" ");
  return { name, seconds: (Number(fields[11]) + Number(fields[12])) / 100 };
}

// Node 24 names its threads (libuv-worker, V8Worker, …); the main thread is tid = pid.
export function threadCpu(pid: number): ThreadCpu {
  const result: ThreadCpu = { main: 0, others: 0, pool: 0, v8: 0 };
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    let thread: { name: string; seconds: number };
    try {
      thread = threadStat(readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8"));
    } catch {
      continue; // the thread ended between the listing and the read
    }
    if (Number(tid) === pid) {
      result.main += thread.seconds;
      continue;
    }
    result.others += thread.seconds;
    if (thread.name.startsWith("libuv-worker")) {
      result.pool += thread.seconds;
    } else if (thread.name.startsWith("V8Worker")) {
      result.v8 += thread.seconds;
    }
  }
  return result;
}

/** CPU seconds of a whole process (every thread) and of its children it has reaped. */
function processSeconds(stat: string): number {
  const fields = stat.split(") ")[1]?.split(" ") ?? [];
  return (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / 100;
}

/** CPU seconds (user + system, every thread) of each process that still runs; children not included. */
export function processesCpuByPid(pids: number[]): Map<number, number> {
  const seconds = new Map<number, number>();
  for (const pid of pids) {
    try {
      seconds.set(pid, threadStat(readFileSync(`/proc/${pid}/stat`, "utf8")).seconds);
    } catch {
      continue; // ended since it was listed
    }
  }
  return seconds;
}

/**
 * CPU seconds of every process named `name` (its comm), with what their reaped children used: PostgreSQL's
 * postmaster reaps the backends that end between two readings, so their CPU is not lost. Counts every
 * user of that server on this machine, not only the bench's connections.
 */
export function processesCpu(name: string): number {
  let total = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) {
      continue;
    }
    try {
      if (readFileSync(`/proc/${entry}/comm`, "utf8").trim() === name) {
        total += processSeconds(readFileSync(`/proc/${entry}/stat`, "utf8"));
      }
    } catch {
      continue; // the process ended between the listing and the read
    }
  }
  return total;
}

/** Busy CPU seconds from /proc/stat: the whole machine, each core, and the time the hypervisor took (steal). */
export interface MachineCpu {
  busy: number;
  perCore: number[];
  steal: number;
}

export function machineCpu(): MachineCpu {
  const result: MachineCpu = { busy: 0, perCore: [], steal: 0 };
  for (const line of readFileSync("/proc/stat", "utf8").split("\n")) {
    const match = /^cpu(\d*) (.*)$/.exec(line);
    if (match === null) {
      continue;
    }
    // user nice system idle iowait irq softirq steal (guest time is inside user).
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = (match[2] ?? "").trim().split(/\s+/).map(Number);
    const busy = (user + nice + system + irq + softirq) / 100;
    if (match[1] === "") {
      result.busy = busy;
      result.steal = steal / 100;
    } else {
      result.perCore[Number(match[1])] = busy;
    }
  }
  return result;
}

/** The CPUs each thread of a process may run on (Cpus_allowed_list), one entry per distinct list. */
export function threadAffinities(pid: number): Set<string> {
  const lists = new Set<string>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      lists.add(/Cpus_allowed_list:\s*(\S+)/.exec(readFileSync(`/proc/${pid}/task/${tid}/status`, "utf8"))?.[1] ?? "?");
    } catch {
      continue;
    }
  }
  return lists;
}

/** The most resident memory the process has had (VmHWM), MB. */
export function peakRssMb(pid: number | undefined): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN) / 1024;
}
