import { randomUUID } from "node:crypto";
import { userInfo } from "node:os";
import { parseArgs } from "node:util";
import type { CliContext } from "./cli-context.ts";
import { buildStores } from "../wiring/stores.ts";
import { nodeRandom, systemClock } from "../adapters/crypto/node-random.ts";
import { disableOperator } from "../core/operator-disable.ts";
import { normalizeLoginId } from "../core/credentials.ts";
import { openMigratedDatabase } from "./open-migrated-database.ts";
import { UsageError } from "./usage-error.ts";

const COMMAND = "operator disable";

/** `operator disable ID [--reason TEXT]` (DESIGN §7): audited with the OS user as the actor, as `customer unlock`. */
export async function operatorDisableCommand(context: CliContext, args: string[]): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({ args, options: { reason: { type: "string" } }, strict: true, allowPositionals: true });
  } catch (error) {
    throw new UsageError(`${COMMAND}: ${error instanceof Error ? error.message.split("\n").join(" ") : String(error)}`, { showUsage: true });
  }
  const [typed, ...extra] = parsed.positionals;
  if (typed === undefined || extra.length > 0) {
    throw new UsageError(`${COMMAND}: give exactly one login ID`, { showUsage: true });
  }
  const loginId = normalizeLoginId(typed);
  const actor = `cli:${userInfo().username}`;
  const reason = parsed.values.reason ?? `disabled from the command line by ${actor}`;
  const config = context.config();
  const database = await openMigratedDatabase(config.databaseUrl);
  try {
    const stores = buildStores(database, config, { clock: systemClock, random: nodeRandom });
    await disableOperator({ operators: stores.operators, audit: stores.audit, clock: systemClock }, loginId, { actor, reason, ip: "cli", requestId: randomUUID() });
    context.stdout.write(`disabled operator ${loginId}\n`);
  } finally {
    await database.close();
  }
}
