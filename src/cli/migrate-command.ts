import type { CliContext } from "./cli-context.ts";
import { openDatabase } from "../adapters/db/connect.ts";
import { migrateToLatest } from "../adapters/db/migrate.ts";
import { parseCommandArgs } from "./parse-command-args.ts";

/** `migrate`: applies every pending migration to DATABASE_URL and names what it applied. */
export async function migrateCommand(context: CliContext, args: string[]): Promise<void> {
  parseCommandArgs("migrate", args, {});
  const database = openDatabase(context.config().databaseUrl);
  try {
    const applied = await migrateToLatest(database.db, database.dialect);
    if (applied.length === 0) {
      context.stdout.write("already up to date\n");
    }
    for (const name of applied) {
      context.stdout.write(`applied ${name}\n`);
    }
  } finally {
    await database.close();
  }
}
