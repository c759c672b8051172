import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "../../src/adapters/db/connect.ts";
import type { DatabaseHandle } from "../../src/adapters/db/connect.ts";
import { migrateToLatest } from "../../src/adapters/db/migrate.ts";
import { createCustomerStore } from "../../src/adapters/db/stores/customer-store.ts";
import { createBodySealer } from "../../src/adapters/crypto/body-sealer.ts";
import type { BodySealer } from "../../src/adapters/crypto/body-sealer.ts";
import { deriveKey } from "../../src/adapters/crypto/derive-key.ts";
import type { Customer } from "../../src/core/kernel/ports.ts";
import { createTestSchema } from "./postgres.ts";

export interface OpenedDatabase {
  handle: DatabaseHandle;
  /** Closes the handle and removes the database (temp file or schema). */
  close(): Promise<void>;
}

export interface DbBackend {
  name: "SQLite" | "PostgreSQL";
  /** A fresh, migrated database that no other test sees. */
  open(): Promise<OpenedDatabase>;
}

/**
 * Every database the stores run on (DESIGN §6: same migrations, same repository
 * code, one contract suite for both). Contract tests loop over this list
 * (STYLE 3).
 */
export const DB_BACKENDS: DbBackend[] = [
  {
    name: "SQLite",
    async open(): Promise<OpenedDatabase> {
      // A file rather than :memory:, so the pragmas (WAL, busy_timeout) are those of production.
      const dir = mkdtempSync(join(tmpdir(), "okb-contract-"));
      const handle = openDatabase(`sqlite:${join(dir, "test.db")}`);
      try {
        await migrateToLatest(handle.db, handle.dialect);
      } catch (error) {
        await handle.close();
        rmSync(dir, { recursive: true, force: true });
        throw error;
      }
      return {
        handle,
        async close(): Promise<void> {
          await handle.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: "PostgreSQL",
    async open(): Promise<OpenedDatabase> {
      const schema = await createTestSchema();
      const handle = openDatabase(schema.url);
      try {
        await migrateToLatest(handle.db, handle.dialect);
      } catch (error) {
        await handle.close();
        await schema.drop();
        throw error;
      }
      return {
        handle,
        async close(): Promise<void> {
          await handle.close();
          await schema.drop();
        },
      };
    },
  },
];

/** The outbox sealer the stores get in tests: a fixed secret, the production key derivation. */
export function testSealer(): BodySealer {
  return createBodySealer(deriveKey("contract-test-secret-0123456789abcdef", "outbox-seal"));
}

/** A customer row to hang challenges, sessions and history on (their foreign keys need one). */
export async function seedCustomer(handle: DatabaseHandle): Promise<Customer> {
  const suffix = randomUUID().slice(0, 8);
  return createCustomerStore(handle.db).create({
    id: randomUUID(),
    loginId: `c${suffix}`,
    email: `c${suffix}@example.jp`,
    name: "テスト 太郎",
    passwordHash: "$argon2id$v=19$m=19456,t=2,p=1$placeholder$placeholder",
    mfaEnabled: true,
    createdAt: Date.UTC(2026, 10, 25, 0, 0, 0),
  });
}
