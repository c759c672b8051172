import type { Config } from "../config.ts";
import type { DatabaseHandle } from "../adapters/db/connect.ts";
import type { Stores } from "../wiring/stores.ts";
import { buildStores } from "../wiring/stores.ts";
import { nodeRandom, systemClock } from "../adapters/crypto/node-random.ts";
import { openMigratedDatabase } from "./open-migrated-database.ts";

/**
 * Runs a command's work on the stores of DATABASE_URL (migrated, never created: see
 * openMigratedDatabase) with the system clock and randomness, and closes the database
 * whatever happens.
 */
export async function withStores<T>(config: Readonly<Config>, work: (stores: Stores, database: DatabaseHandle) => Promise<T>): Promise<T> {
  const database = await openMigratedDatabase(config.databaseUrl);
  try {
    return await work(buildStores(database, config, { clock: systemClock, random: nodeRandom }), database);
  } finally {
    await database.close();
  }
}
