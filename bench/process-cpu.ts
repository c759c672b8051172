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
