import { readFileSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";

// A running service rewrites its marker this often; one not rewritten for LIVE_WITHIN_MS is a
// service that is gone (kill -9, a crash), and does not stop an import.
const HEARTBEAT_MS = 5000;
const LIVE_WITHIN_MS = 3 * HEARTBEAT_MS;

/** The file a `sqlite:PATH` database keeps beside it (next to `-wal` and `-shm`); null for `:memory:` or another database. */
export function sqliteLiveMarkerPath(databaseUrl: string): string | null {
  if (!databaseUrl.startsWith("sqlite:")) {
    return null;
  }
  const path = databaseUrl.slice("sqlite:".length);
  return path === ":memory:" ? null : `${path}-live`;
}

/**
 * Issue 17 item 12: SQLite lets one writer at a time, and better-sqlite3 waits for the lock on the
 * event loop, so a long write by another process (`customer import`) stalls every request of a
 * live service and, past the busy timeout, answers 500 `database is locked`. The service marks
 * the database as in use while it runs (a small file rewritten every 5 s, removed at close), and
 * `customer import` refuses to run while the mark is fresh. Best effort: a folder the service
 * cannot write to leaves no mark (`onError`), and the service runs on.
 */
export function markSqliteLive(databaseUrl: string, onError: (error: unknown) => void): { stop(): void } {
  const path = sqliteLiveMarkerPath(databaseUrl);
  if (path === null) {
    return { stop: () => {} };
  }
  const content = `${JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() })}\n`;
  let failed = false;
  const write = (): void => {
    try {
      // Written again each time, not touched: a second service's close may have removed it.
      writeFileSync(path, content, { mode: 0o644 });
    } catch (error) {
      if (!failed) {
        failed = true;
        onError(error);
      }
    }
  };
  write();
  const timer = setInterval(write, HEARTBEAT_MS);
  timer.unref();
  return {
    stop(): void {
      clearInterval(timer);
      try {
        unlinkSync(path);
      } catch {
        // Already gone (another service's close, the folder removed): nothing to undo.
      }
    },
  };
}

/** The live service's mark on this SQLite database (who, and how long ago it was rewritten), or null when none is fresh. */
export function liveSqliteService(databaseUrl: string, now: number): { who: string; secondsAgo: number } | null {
  const path = sqliteLiveMarkerPath(databaseUrl);
  if (path === null) {
    return null;
  }
  let modified: number;
  try {
    modified = statSync(path).mtimeMs;
  } catch {
    return null;
  }
  if (now - modified > LIVE_WITHIN_MS) {
    return null;
  }
  let who = "a service";
  try {
    const mark = JSON.parse(readFileSync(path, "utf8")) as { pid?: unknown; host?: unknown };
    who = `process ${String(mark.pid)} on ${String(mark.host)}`;
  } catch {
    // Half written as it was read: the time alone says it is live.
  }
  return { who, secondsAgo: Math.max(0, Math.round((now - modified) / 1000)) };
}
