import { randomUUID } from "node:crypto";
import { createTestSchema } from "./postgres.ts";
import type { TestSchema } from "./postgres.ts";

/** Where rate-limit counters can live: the database (default) or Redis (REDIS_URL). */
export interface CounterBackend {
  name: string;
  /** Environment for startTestService; a fresh Redis key prefix per run so runs never share counters. */
  env(): Record<string, string>;
}

export const REDIS_TEST_URL = "redis://127.0.0.1:6379";

export const COUNTER_BACKENDS: CounterBackend[] = [
  { name: "database counters (SQLite)", env: () => ({}) },
  { name: "Redis counters", env: () => ({ REDIS_URL: REDIS_TEST_URL, REDIS_PREFIX: `test-${randomUUID()}:` }) },
];

/** A database the whole service runs on in a test: SQLite (the default) or a fresh PostgreSQL schema. */
export interface ServiceDatabase {
  name: "SQLite" | "PostgreSQL";
  /** Environment for sharedTestService: nothing for SQLite, a DATABASE_URL on a new schema for PostgreSQL. */
  env(): Promise<Record<string, string>>;
  /** Drops the schemas `env` made (for an `after` hook). */
  dropSchemas(): Promise<void>;
}

/** Both databases, each keeping the schemas it made: one call per test file, so files never drop each other's. */
export function serviceDatabases(): ServiceDatabase[] {
  const sqlite: ServiceDatabase = { name: "SQLite", env: () => Promise.resolve({}), dropSchemas: () => Promise.resolve() };
  const schemas: TestSchema[] = [];
  const postgres: ServiceDatabase = {
    name: "PostgreSQL",
    async env(): Promise<Record<string, string>> {
      const schema = await createTestSchema();
      schemas.push(schema);
      return { DATABASE_URL: schema.url };
    },
    async dropSchemas(): Promise<void> {
      for (const schema of schemas.splice(0)) {
        await schema.drop();
      }
    },
  };
  return [sqlite, postgres];
}
