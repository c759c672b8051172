import { availableParallelism } from "node:os";
import { performance } from "node:perf_hooks";
import { hash, verify } from "@node-rs/argon2";

/**
 * The physical limit for logins on this machine: bare argon2id verifications per
 * second at the configured parameters, with every core busy (as many in flight as cores).
 */
export async function measureArgon2Baseline(options: { memoryKiB: number; timeCost: number; seconds: number }): Promise<{ perSecond: number; cores: number; meanMs: number }> {
  const cores = availableParallelism();
  const stored = await hash("baseline password", { algorithm: 2, memoryCost: options.memoryKiB, timeCost: options.timeCost, parallelism: 1 });
  // Warm up the thread pool and the allocator.
  await Promise.all(Array.from({ length: cores }, () => verify(stored, "baseline password")));
  let done = 0;
  let busyMs = 0;
  const started = performance.now();
  const deadline = started + options.seconds * 1000;
  await Promise.all(
    Array.from({ length: cores }, async () => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        await verify(stored, "wrong password");
        busyMs += performance.now() - t0;
        done += 1;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  return { perSecond: done / elapsed, cores, meanMs: busyMs / done };
}
