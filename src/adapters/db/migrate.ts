import { sql } from "kysely";
import { DEFAULT_MIGRATION_TABLE, Migrator } from "kysely/migration";
import type { Kysely } from "kysely";
import type { Migration, MigrationProvider } from "kysely/migration";
import type { DialectName } from "./connect.ts";
import type { Database } from "./schema.ts";
import { loginFlowMigration } from "./migrations/0001-login-flow.ts";
import { abuseResistanceMigration } from "./migrations/0002-abuse-resistance.ts";
import { loginIdLowerCaseMigration } from "./migrations/0003-login-id-lower-case.ts";
import { birthDateMigration } from "./migrations/0004-birth-date.ts";
import { stepUpCodesMigration } from "./migrations/0005-step-up-codes.ts";
import { accountFreezeMigration } from "./migrations/0006-account-freeze.ts";
import { loginNoticesMigration } from "./migrations/0007-login-notices.ts";
import { operatorsMigration } from "./migrations/0008-operators.ts";
import { operatorSessionsMigration } from "./migrations/0009-operator-sessions.ts";
import { consoleLookupMigration } from "./migrations/0010-console-lookup.ts";
import { mfaOffRequestsMigration } from "./migrations/0011-mfa-off-requests.ts";
import { passkeysMigration } from "./migrations/0012-passkeys.ts";
import { tradingPinMigration } from "./migrations/0013-trading-pin.ts";
import { confirmationsMigration } from "./migrations/0014-confirmations.ts";
import { recoveryRequestsMigration } from "./migrations/0015-recovery-requests.ts";
import { auditChainMigration } from "./migrations/0016-audit-chain.ts";
import { securityRequestsMigration } from "./migrations/0017-security-requests.ts";
import { sessionEndReasonMigration } from "./migrations/0018-session-end-reason.ts";
import { wrongPasswordIndexMigration } from "./migrations/0019-wrong-password-index.ts";
import { openIdConnectMigration } from "./migrations/0020-openid-connect.ts";
import { dashboardMigration } from "./migrations/0021-dashboard.ts";
import { bouncesMigration } from "./migrations/0022-bounces.ts";

// Listed in code rather than read from a folder, so the same list runs from src/ (type stripping), in tests and in dist/.
const MIGRATIONS: Record<string, Migration> = {
  "0001-login-flow": loginFlowMigration,
  "0002-abuse-resistance": abuseResistanceMigration,
  "0003-login-id-lower-case": loginIdLowerCaseMigration,
  "0004-birth-date": birthDateMigration,
  "0005-step-up-codes": stepUpCodesMigration,
  "0006-account-freeze": accountFreezeMigration,
  "0007-login-notices": loginNoticesMigration,
  "0008-operators": operatorsMigration,
  "0009-operator-sessions": operatorSessionsMigration,
  "0010-console-lookup": consoleLookupMigration,
  "0011-mfa-off-requests": mfaOffRequestsMigration,
  "0012-passkeys": passkeysMigration,
  "0013-trading-pin": tradingPinMigration,
  "0014-confirmations": confirmationsMigration,
  "0015-recovery-requests": recoveryRequestsMigration,
  "0016-audit-chain": auditChainMigration,
  "0017-security-requests": securityRequestsMigration,
  "0018-session-end-reason": sessionEndReasonMigration,
  "0019-wrong-password-index": wrongPasswordIndexMigration,
  "0020-openid-connect": openIdConnectMigration,
  "0021-dashboard": dashboardMigration,
  "0022-bounces": bouncesMigration,
};

const provider: MigrationProvider = {
  getMigrations(): Promise<Record<string, Migration>> {
    return Promise.resolve(MIGRATIONS);
  },
};

/**
 * One migration at a time in the whole PostgreSQL database (a session-level advisory lock, "okb" in hex): Kysely's
 * Migrator reads the catalog of every schema (its introspection), and a migration running in another schema at the
 * same moment (another deployment's, or a test's beside it) made that read fail with "column … does not exist".
 */
const MIGRATION_LOCK_KEY = 0x6f6b62;

/** Applies every pending migration; returns the names applied. Throws on failure. */
export async function migrateToLatest(db: Kysely<Database>, dialect: DialectName): Promise<string[]> {
  return withMigrationLock(db, dialect, async () => runMigrator(db, dialect === "postgres" ? await currentSchema(db) : undefined));
}

/**
 * Runs `change` (schema changes) while no other migration in the same PostgreSQL database runs; on SQLite at once.
 * The lock is held by one pooled connection while `change` works on the others.
 */
export async function withMigrationLock<Result>(db: Kysely<Database>, dialect: DialectName, change: () => Promise<Result>): Promise<Result> {
  if (dialect !== "postgres") {
    return change();
  }
  return db.connection().execute(async (connection) => {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`.execute(connection);
    try {
      return await change();
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`.execute(connection);
    }
  });
}

async function runMigrator(db: Kysely<Database>, migrationTableSchema: string | undefined): Promise<string[]> {
  // On PostgreSQL the Migrator looks for its tables in every schema: another schema's
  // kysely_migration table (a second deployment or a test run in the same database) made
  // it skip creating its own and then fail. Name the schema this connection works in.
  const migrator = new Migrator({ db, provider, ...(migrationTableSchema === undefined ? {} : { migrationTableSchema }) });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    throw error instanceof Error ? error : new Error(String(error));
  }
  return (results ?? []).filter((result) => result.status === "Success").map((result) => result.migrationName);
}

/**
 * The migrations not yet applied to this database, in order; all of them when it
 * has no schema at all. Reads only: creates no table, unlike the Migrator.
 */
export async function unappliedMigrations(db: Kysely<Database>, dialect: DialectName): Promise<string[]> {
  const applied = new Set<string>();
  if (await migrationTableExists(db, dialect)) {
    const rows = await db
      .withTables<{ [DEFAULT_MIGRATION_TABLE]: { name: string } }>()
      .selectFrom(DEFAULT_MIGRATION_TABLE)
      .select("name")
      .execute();
    for (const row of rows) {
      applied.add(row.name);
    }
  }
  return Object.keys(MIGRATIONS).filter((name) => !applied.has(name));
}

async function currentSchema(db: Kysely<Database>): Promise<string> {
  const { rows } = await sql<{ name: string }>`select current_schema() as name`.execute(db);
  const name = rows[0]?.name;
  if (name === undefined) {
    throw new Error("PostgreSQL has no current schema: check search_path");
  }
  return name;
}

// Not Migrator.getMigrations(): on PostgreSQL, Kysely's introspection lists the tables of every
// schema, so a migration table in another schema would count. to_regclass looks on search_path only.
async function migrationTableExists(db: Kysely<Database>, dialect: DialectName): Promise<boolean> {
  if (dialect === "postgres") {
    const { rows } = await sql<{ found: boolean }>`select to_regclass(${DEFAULT_MIGRATION_TABLE}) is not null as found`.execute(db);
    return rows[0]?.found === true;
  }
  const { rows } = await sql<{ found: number }>`select 1 as found from sqlite_master where type = 'table' and name = ${DEFAULT_MIGRATION_TABLE}`.execute(db);
  return rows.length > 0;
}
