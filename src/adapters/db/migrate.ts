import { Migrator } from "kysely";
import type { Kysely, Migration, MigrationProvider } from "kysely";
import type { Database } from "./schema.ts";
import { loginFlowMigration } from "./migrations/0001-login-flow.ts";
import { abuseResistanceMigration } from "./migrations/0002-abuse-resistance.ts";

// Listed in code rather than read from a folder, so the same list runs under tsx, in tests and in a bundle.
const MIGRATIONS: Record<string, Migration> = {
  "0001-login-flow": loginFlowMigration,
  "0002-abuse-resistance": abuseResistanceMigration,
};

const provider: MigrationProvider = {
  getMigrations(): Promise<Record<string, Migration>> {
    return Promise.resolve(MIGRATIONS);
  },
};

/** Applies every pending migration; returns the names applied. Throws on failure. */
export async function migrateToLatest(db: Kysely<Database>): Promise<string[]> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    throw error instanceof Error ? error : new Error(String(error));
  }
  return (results ?? []).filter((result) => result.status === "Success").map((result) => result.migrationName);
}
