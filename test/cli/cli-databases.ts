import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "../../src/adapters/db/connect.ts";
import { migrateToLatest } from "../../src/adapters/db/migrate.ts";

export interface SqliteLocation {
  url: string;
  path: string;
  directory: string;
}

/**
 * Temporary folders for the CLI tests' SQLite files; `removeAll` in the
 * suite's `after` deletes them.
 */
export interface SqliteFolders {
  /** A path in a new folder where no database exists yet. */
  missing(): SqliteLocation;
  /** A database that `npm run cli -- migrate` has already set up. */
  migrated(): Promise<SqliteLocation>;
  removeAll(): void;
}

export function sqliteFolders(): SqliteFolders {
  const directories: string[] = [];
  function missing(): SqliteLocation {
    const directory = mkdtempSync(join(tmpdir(), "okb-cli-"));
    directories.push(directory);
    const path = join(directory, "x.sqlite");
    return { url: `sqlite:${path}`, path, directory };
  }
  return {
    missing,
    async migrated(): Promise<SqliteLocation> {
      const location = missing();
      // Migrated in-process rather than by a spawned `migrate`: test/cli/migrate.test.ts covers that command.
      const database = openDatabase(location.url);
      try {
        await migrateToLatest(database.db, database.dialect);
      } finally {
        await database.close();
      }
      return location;
    },
    removeAll(): void {
      for (const directory of directories.splice(0)) {
        rmSync(directory, { recursive: true, force: true });
      }
    },
  };
}
