import { setTimeout as sleep } from "node:timers/promises";
import { performance } from "node:perf_hooks";
import type { PasswordHasher } from "../../core/kernel/ports.ts";
import { TooManyRequestsError } from "../../core/kernel/retry-later-errors.ts";

export interface HashGateSettings {
  /** Hashes running at once: the cores argon2 may use. */
  maxInFlight: number;
  /** Hashes waiting for a slot; beyond it requests are shed. */
  maxQueue: number;
}

export interface HashGateStats {
  inFlight: number;
  queued: number;
  shed: number;
  /** The current estimate of one verification, in milliseconds. */
  verifyMs: number;
}

// Weight of the newest verification in the running estimate of its duration.
const ESTIMATE_WEIGHT = 0.2;

/**
 * Load shedding for the expensive step. At most `maxInFlight` argon2 runs at
 * once and `maxQueue` wait; the next one is refused at once (503, Retry-After)
 * instead of letting every login's latency grow without bound.
 *
 * Unknown login IDs cost no CPU here: `verifyAbsent` is shed exactly when a real
 * verification would be, and otherwise waits as long as one would take now
 * (the queue ahead plus one verification, from a running estimate). A flood of
 * random IDs, the cheapest attack there is, then cannot take the cores from
 * real customers, and the answer and its timing still reveal nothing.
 */
export function createHashGate(inner: PasswordHasher, settings: HashGateSettings): PasswordHasher & { stats(): HashGateStats } {
  let inFlight = 0;
  let shed = 0;
  let verifyMs = Number.NaN;
  const waiting: Array<() => void> = [];

  function refuseWhenFull(): void {
    if (inFlight >= settings.maxInFlight && waiting.length >= settings.maxQueue) {
      shed += 1;
      throw new TooManyRequestsError(1, `hash queue full (${inFlight} running, ${waiting.length} waiting)`, { serverBusy: true });
    }
  }

  async function gated<T>(work: () => Promise<T>): Promise<T> {
    refuseWhenFull();
    if (inFlight >= settings.maxInFlight) {
      await new Promise<void>((resolve) => waiting.push(resolve));
    } else {
      inFlight += 1;
    }
    try {
      return await work();
    } finally {
      // Hand the slot straight to the next waiter, or give it back.
      const next = waiting.shift();
      if (next === undefined) {
        inFlight -= 1;
      } else {
        next();
      }
    }
  }

  async function timed<T>(work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    const result = await work();
    const took = performance.now() - started;
    verifyMs = Number.isNaN(verifyMs) ? took : verifyMs + ESTIMATE_WEIGHT * (took - verifyMs);
    return result;
  }

  return {
    hash: (password) => gated(() => inner.hash(password)),
    verify: (passwordHash, password) => gated(() => timed(() => inner.verify(passwordHash, password))),
    needsRehash: (passwordHash) => inner.needsRehash(passwordHash),
    async verifyAbsent(password: string): Promise<false> {
      if (Number.isNaN(verifyMs)) {
        // No estimate yet: spend one real verification, which also makes the estimate.
        await gated(() => timed(() => inner.verifyAbsent(password)));
        return false;
      }
      refuseWhenFull();
      const rounds = inFlight >= settings.maxInFlight ? waiting.length / settings.maxInFlight + 1 : 1;
      await sleep(rounds * verifyMs);
      return false;
    },
    stats: () => ({ inFlight, queued: waiting.length, shed, verifyMs }),
  };
}
