import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "../../src/adapters/db/connect.ts";
import { migrateToLatest } from "../../src/adapters/db/migrate.ts";
import { createTestSchema } from "../support/postgres.ts";

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

/** A migrated database for a CLI test; `remove` deletes it (the SQLite folder or the PostgreSQL schema). */
export interface CliDatabase {
  url: string;
  remove(): Promise<void>;
}

/**
 * Both databases the CLI runs on, for commands whose SQL differs by backend
 * (batched inserts, long `in` lists): `for (const backend of CLI_DATABASES)`.
 */
export const CLI_DATABASES: Array<{ name: "SQLite" | "PostgreSQL"; migrated(): Promise<CliDatabase> }> = [
  {
    name: "SQLite",
    async migrated(): Promise<CliDatabase> {
      const folders = sqliteFolders();
      const location = await folders.migrated();
      return {
        url: location.url,
        remove(): Promise<void> {
          folders.removeAll();
          return Promise.resolve();
        },
      };
    },
  },
  {
    name: "PostgreSQL",
    async migrated(): Promise<CliDatabase> {
      const schema = await createTestSchema();
      const database = openDatabase(schema.url);
      try {
        await migrateToLatest(database.db, database.dialect);
      } finally {
        await database.close();
      }
      return { url: schema.url, remove: () => schema.drop() };
    },
  },
];
