import { openDatabase } from "../adapters/db/connect.ts";
import type { DatabaseHandle } from "../adapters/db/connect.ts";
import { unappliedMigrations } from "../adapters/db/migrate.ts";

const RUN_MIGRATE_FIRST = "check DATABASE_URL; if it is right, run `npm run cli -- migrate` first";

/**
 * Opens DATABASE_URL for a command that works on the data (every command but
 * `migrate`). It never creates a database or a table: a mistyped URL
 * (`sqlite:./typo.sqlite`, another schema) would otherwise get a new, empty
 * database, and the command would report success on data no server reads.
 * Throws a plain Error (exit 1) naming `migrate`; never the URL, which may hold a
 * password.
 */
export async function openMigratedDatabase(databaseUrl: string): Promise<DatabaseHandle> {
  let database: DatabaseHandle;
  try {
    database = openDatabase(databaseUrl, { mustExist: true });
  } catch (error) {
    // Only SQLite opens at once: better-sqlite3 says "unable to open database file", or that the folder is missing.
    throw new Error(`no database at DATABASE_URL (${messageOf(error)}); ${RUN_MIGRATE_FIRST}`, { cause: error });
  }
  try {
    const missing = await unappliedMigrations(database.db, database.dialect);
    if (missing.length > 0) {
      throw new Error(`the database at DATABASE_URL is not set up for this version (migrations not applied: ${missing.join(", ")}); ${RUN_MIGRATE_FIRST}`);
    }
    return database;
  } catch (error) {
    await database.close();
    throw error;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
