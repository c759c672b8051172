import { readdirSync, readFileSync } from "node:fs";

/** CPU seconds (user + system) of a process, split by thread, read from /proc. */
export interface ThreadCpu {
  /** The JavaScript thread: fastify, Kysely, SQLite (better-sqlite3 runs on it), templates, logging. */
  main: number;
  /** Every other thread: libuv's pool (argon2id, file writes) and V8's helpers (concurrent GC, compiler). */
  others: number;
}

function ticksToSeconds(stat: string): number {
  const fields = stat.split(") ")[1]?.split(" ") ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

// Node 20 does not name its threads, so only the main thread (tid = pid) can be told apart.
export function threadCpu(pid: number): ThreadCpu {
  const result: ThreadCpu = { main: 0, others: 0 };
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    let seconds: number;
    try {
      seconds = ticksToSeconds(readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8"));
    } catch {
      continue; // the thread ended between the listing and the read
    }
    if (Number(tid) === pid) {
      result.main += seconds;
    } else {
      result.others += seconds;
    }
  }
  return result;
}
