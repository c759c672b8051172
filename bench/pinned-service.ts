import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { spawnService } from "../test/support/spawned-service.ts";
import type { SpawnedService } from "../test/support/spawned-service.ts";
import { threadAffinities } from "./process-cpu.ts";

function ownAffinity(): string {
  const list = /Cpus_allowed_list:\s*(\S+)/.exec(readFileSync(`/proc/${process.pid}/task/${process.pid}/status`, "utf8"))?.[1];
  if (list === undefined) {
    throw new Error("cannot read this process's CPU affinity from /proc");
  }
  return list;
}

/**
 * The real server as spawnService starts it, held to one core as `taskset -c CPU node src/main.ts` would hold
 * it. A new process inherits the CPU affinity of the thread that forks it (sched_setaffinity(2)), and Node
 * forks from its main thread: so this process's main thread is held to `cpu` while spawnService starts the
 * server, then gets its cores back. Every thread the server makes inherits the one core, and the server sees
 * one core (os.availableParallelism() = 1, so one argon2id verification in flight, as on a one-core machine).
 * Throws unless every thread of the server is on `cpu` once it answers.
 */
export async function spawnPinnedService(env: Record<string, string>, cpu: number, options?: { nodeArgs?: string[] }): Promise<SpawnedService> {
  const own = ownAffinity();
  execFileSync("taskset", ["-p", "-c", String(cpu), String(process.pid)], { stdio: "ignore" });
  let service: SpawnedService;
  try {
    service = await spawnService(env, options);
  } finally {
    execFileSync("taskset", ["-p", "-c", own, String(process.pid)], { stdio: "ignore" });
  }
  const lists = threadAffinities(service.process.pid ?? 0);
  if (lists.size !== 1 || !lists.has(String(cpu))) {
    await service.stop();
    throw new Error(`the server's threads run on CPUs ${[...lists].join(" / ")}, not on ${cpu} alone`);
  }
  return service;
}
