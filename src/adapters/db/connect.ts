import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import SQLite from "better-sqlite3";
import pg from "pg";
import { Kysely, PostgresDialect, SqliteDialect } from "kysely";
import type { Database } from "./schema.ts";
import { withStatementCache } from "./statement-cache.ts";

export type DialectName = "sqlite" | "postgres";

export interface DatabaseHandle {
  db: Kysely<Database>;
  dialect: DialectName;
  close(): Promise<void>;
}

// int8 (bigint) columns hold epoch milliseconds, well inside Number's exact range.
pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));

export interface OpenDatabaseOptions {
  /** SQLite: fail when the file is missing instead of creating it (and its folder). PostgreSQL never creates one. */
  mustExist?: boolean;
  /**
   * PostgreSQL: told when a pooled connection breaks (the server restarted, an
   * administrator ran pg_terminate_backend). The connection is dropped either way.
   */
  onConnectionError?: (error: Error) => void;
}

/**
 * How long to wait for a PostgreSQL connection (TCP, start-up, or a free pool slot)
 * before the request fails: a server that is down refuses at once, one that is
 * unreachable would otherwise hold every request for the kernel's ~2 minutes (issue 17 §1).
 */
export const POSTGRES_CONNECT_TIMEOUT_MS = 2000;
// TCP keepalive: a connection to a server that vanished (failover, cable) is noticed and dropped.
const POSTGRES_KEEPALIVE_DELAY_MS = 10_000;

/**
 * `sqlite:PATH` (the embedded default; `sqlite::memory:` for a throwaway
 * database) or `postgres://…`.
 */
export function openDatabase(url: string, options: OpenDatabaseOptions = {}): DatabaseHandle {
  if (url.startsWith("postgres://") || url.startsWith("postgresql://")) {
    const pool = new pg.Pool({
      connectionString: url,
      max: 10,
      connectionTimeoutMillis: POSTGRES_CONNECT_TIMEOUT_MS,
      keepAlive: true,
      keepAliveInitialDelayMillis: POSTGRES_KEEPALIVE_DELAY_MS,
    });
    survivePostgresConnectionErrors(pool, options.onConnectionError ?? ((): void => undefined));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, dialect: "postgres", close: () => db.destroy() };
  }
  if (url.startsWith("sqlite:")) {
    const path = url.slice("sqlite:".length);
    const mustExist = options.mustExist === true;
    if (path !== ":memory:" && !mustExist) {
      mkdirSync(dirname(path), { recursive: true });
    }
    const sqlite = new SQLite(path, { fileMustExist: mustExist });
    sqlite.pragma("journal_mode = WAL");
    sqlite.pragma("synchronous = NORMAL");
    sqlite.pragma("foreign_keys = ON");
    sqlite.pragma("busy_timeout = 5000");
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
    return { db, dialect: "sqlite", close: () => db.destroy() };
  }
  throw new Error(`DATABASE_URL must start with sqlite: or postgres:// (got ${url.split(":")[0]}:)`);
}

/**
 * A pg connection that breaks emits 'error', and an 'error' event nobody listens to
 * ends the process (issue 17 §1: `Unhandled 'error' event … 57P01` killed every
 * instance when PostgreSQL restarted). Idle connections: the pool drops them and
 * re-emits on itself. Connections lent to a query or a transaction: the error
 * comes on the client between two queries; the client is then not queryable,
 * the query in hand fails (the request answers 503) and the pool drops it when
 * it is released. The next request opens a new connection: no restart needed.
 */
function survivePostgresConnectionErrors(pool: pg.Pool, onError: (error: Error) => void): void {
  pool.on("connect", (client: pg.PoolClient) => {
    client.on("error", onError);
  });
  // The same error again, re-emitted by the pool for an idle client: already told above.
  pool.on("error", () => undefined);
}
