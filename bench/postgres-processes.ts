import pg from "pg";
import { POSTGRES_TEST_URL } from "../test/support/postgres.ts";

/** The application_name of the bench's servers' connections (in their DATABASE_URL), so their backends can be told apart. */
export const BENCH_APPLICATION_NAME = `okb-bench-${process.pid}`;

/**
 * The PostgreSQL processes the bench's logins cost: the backends of the servers' connections and the server's own
 * background processes (WAL writer, checkpointer, background writer, autovacuum), which the test suites that share
 * this PostgreSQL also use. Other clients' backends are left out.
 */
export async function benchPostgresPids(): Promise<number[]> {
  const client = new pg.Client({ connectionString: POSTGRES_TEST_URL });
  await client.connect();
  try {
    const result = await client.query<{ pid: number }>("select pid from pg_stat_activity where application_name = $1 or backend_type <> 'client backend'", [BENCH_APPLICATION_NAME]);
    return result.rows.map((row) => row.pid);
  } finally {
    await client.end();
  }
}
