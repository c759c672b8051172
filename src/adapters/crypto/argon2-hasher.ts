import { randomBytes } from "node:crypto";
import { hash, verify } from "@node-rs/argon2";
import type { PasswordHasher } from "../../core/ports.ts";

// Algorithm.Argon2id of @node-rs/argon2, an ambient const enum that verbatimModuleSyntax cannot import.
const ARGON2ID = 2;

export interface Argon2Params {
  memoryKiB: number;
  timeCost: number;
  parallelism: number;
}

/** argon2id through @node-rs/argon2 (runs on libuv's thread pool, off the event loop). */
export function createArgon2Hasher(params: Argon2Params): PasswordHasher {
  const options = {
    algorithm: ARGON2ID,
    memoryCost: params.memoryKiB,
    timeCost: params.timeCost,
    parallelism: params.parallelism,
  };
  // PHC string parameters, e.g. $argon2id$v=19$m=19456,t=2,p=1$salt$hash
  const current = `m=${params.memoryKiB},t=${params.timeCost},p=${params.parallelism}`;
  // Made on first use: verifying against it costs exactly what a real verification costs.
  let dummyHash: Promise<string> | null = null;
  return {
    async verifyAbsent(password: string): Promise<false> {
      dummyHash ??= hash(randomBytes(16).toString("base64"), options);
      await verify(await dummyHash, password).catch(() => false);
      return false;
    },
    needsRehash(passwordHash: string): boolean {
      const fields = passwordHash.split("$");
      return fields[1] !== "argon2id" || fields[3] !== current;
    },
    hash(password: string): Promise<string> {
      return hash(password, options);
    },
    async verify(passwordHash: string, password: string): Promise<boolean> {
      try {
        return await verify(passwordHash, password);
      } catch {
        // A malformed stored hash is a failed login, not a crash.
        return false;
      }
    },
  };
}
