import { randomBytes } from "node:crypto";
import { hash, verify } from "@node-rs/argon2";
import { verify as verifyBcrypt } from "@node-rs/bcrypt";
import type { PasswordHasher } from "../../core/kernel/ports.ts";

// Algorithm.Argon2id of @node-rs/argon2, an ambient const enum that verbatimModuleSyntax cannot import.
const ARGON2ID = 2;

// bcrypt's three prefixes in the wild: $2a$ (most libraries), $2b$ (OpenBSD since 2014), $2y$ (PHP).
// Customers imported from the old system keep such a hash until their next login (`customer import`).
const BCRYPT_PREFIX = /^\$2[aby]\$/;

export interface Argon2Params {
  memoryKiB: number;
  timeCost: number;
  parallelism: number;
}

/**
 * argon2id through @node-rs/argon2 (runs on libuv's thread pool, off the event loop).
 * It also verifies bcrypt hashes brought in by `customer import` (@node-rs/bcrypt, on
 * the same pool); needsRehash is true for them, so a login upgrades them to argon2id.
 */
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
      // Anything but argon2id with today's parameters (a bcrypt hash too) is replaced at the next login.
      const fields = passwordHash.split("$");
      return fields[1] !== "argon2id" || fields[3] !== current;
    },
    hash(password: string): Promise<string> {
      return hash(password, options);
    },
    async verify(passwordHash: string, password: string): Promise<boolean> {
      try {
        if (BCRYPT_PREFIX.test(passwordHash)) {
          return await verifyBcrypt(password, passwordHash);
        }
        return await verify(passwordHash, password);
      } catch {
        // A malformed stored hash is a failed login, not a crash.
        return false;
      }
    },
  };
}
