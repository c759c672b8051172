import { randomUUID } from "node:crypto";
import pg from "pg";

/** CI's machine runs PostgreSQL here with trust auth (DESIGN §8); override with TEST_POSTGRES_URL. */
export const POSTGRES_TEST_URL = process.env["TEST_POSTGRES_URL"] ?? "postgres://root@127.0.0.1:5432/test";

export interface TestSchema {
  /** DATABASE_URL whose connections use the fresh schema. */
  url: string;
  name: string;
  drop(): Promise<void>;
}

/**
 * Set by scripts/test-lanes.ts for test processes that run side by side: their schemas are
 * named with it and dropped by the runner once all of them have ended, not one by one. A drop
 * while another process migrates breaks that migration: kysely's introspection reads every
 * schema in the database (`has_schema_privilege` on each), and one dropped in between answers
 * `schema "…" does not exist`.
 */
const DEFERRED_DROP_PREFIX = process.env["TEST_SCHEMA_PREFIX"];

/**
 * A fresh schema in the test database, so tests never see each other's rows and
 * leave nothing behind. The URL sets `search_path` for every pooled connection.
 */
export async function createTestSchema(): Promise<TestSchema> {
  const name = `${DEFERRED_DROP_PREFIX ?? "okb_test_"}${randomUUID().replaceAll("-", "").slice(0, 16)}`;
  const admin = new pg.Client({ connectionString: POSTGRES_TEST_URL });
  await admin.connect();
  try {
    await admin.query(`create schema ${name}`);
  } finally {
    await admin.end();
  }
  const separator = POSTGRES_TEST_URL.includes("?") ? "&" : "?";
  return {
    name,
    url: `${POSTGRES_TEST_URL}${separator}options=${encodeURIComponent(`-c search_path=${name}`)}`,
    async drop(): Promise<void> {
      if (DEFERRED_DROP_PREFIX !== undefined) {
        return;
      }
      const client = new pg.Client({ connectionString: POSTGRES_TEST_URL });
      await client.connect();
      try {
        await client.query(`drop schema ${name} cascade`);
      } finally {
        await client.end();
      }
    },
  };
}
