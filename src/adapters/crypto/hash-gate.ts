import type { PasswordHasher } from "../../core/ports.ts";
import { ServiceBusyError } from "../../core/errors.ts";

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
}

/**
 * Load shedding for the expensive step. At most `maxInFlight` argon2 runs at
 * once and `maxQueue` wait; the next one is refused at once (503, Retry-After)
 * instead of letting every login's latency grow without bound.
 */
export function createHashGate(inner: PasswordHasher, settings: HashGateSettings): PasswordHasher & { stats(): HashGateStats } {
  let inFlight = 0;
  let shed = 0;
  const waiting: Array<() => void> = [];

  async function gated<T>(work: () => Promise<T>): Promise<T> {
    if (inFlight >= settings.maxInFlight) {
      if (waiting.length >= settings.maxQueue) {
        shed += 1;
        throw new ServiceBusyError(1, `hash queue full (${inFlight} running, ${waiting.length} waiting)`);
      }
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

  return {
    hash: (password) => gated(() => inner.hash(password)),
    verify: (hash, password) => gated(() => inner.verify(hash, password)),
    needsRehash: (hash) => inner.needsRehash(hash),
    stats: () => ({ inFlight, queued: waiting.length, shed }),
  };
}
