import { randomUUID } from "node:crypto";

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
