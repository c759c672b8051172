import { randomBytes, randomInt, randomUUID } from "node:crypto";
import type { Clock, Random } from "../../core/kernel/ports.ts";

/** Randomness from the OS CSPRNG. */
export const nodeRandom: Random = {
  int(min: number, max: number): number {
    return randomInt(min, max);
  },
  token(bytes: number): string {
    return randomBytes(bytes).toString("base64url");
  },
  id(): string {
    return randomUUID();
  },
};

export const systemClock: Clock = {
  now(): number {
    return Date.now();
  },
};
