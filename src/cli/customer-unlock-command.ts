import { randomUUID } from "node:crypto";
import { userInfo } from "node:os";
import { parseArgs } from "node:util";
import type { CliContext } from "./cli-context.ts";
import { buildStores } from "../wiring/stores.ts";
import { nodeRandom, systemClock } from "../adapters/crypto/node-random.ts";
import { unlockAccount } from "../core/account-unlock.ts";
import { normalizeLoginId } from "../core/credentials.ts";
import { openMigratedDatabase } from "./open-migrated-database.ts";
import { UsageError } from "./usage-error.ts";

const COMMAND = "customer unlock";

/**
 * `customer unlock ID [--reason TEXT]`: an operator action (DESIGN §7), audited
 * with the OS user as the actor and the reason.
 */
export async function customerUnlockCommand(context: CliContext, args: string[]): Promise<void> {
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
  // As login and `customer add` do: the operator types what the customer reads out, often with
  // the IME on (ｔａｒｏ０１, an ideographic space), and must find the account the customer logs in to.
  const loginId = normalizeLoginId(typed);
  const operator = `cli:${userInfo().username}`;
  const reason = parsed.values.reason ?? `unlocked from the command line by ${operator}`;
  const config = context.config();
  const database = await openMigratedDatabase(config.databaseUrl);
  try {
    const stores = buildStores(database, config, { clock: systemClock, random: nodeRandom });
    await unlockAccount(
      { customers: stores.customers, audit: stores.audit },
      loginId,
      { actor: operator, reason, ip: "cli", requestId: randomUUID() },
    );
    context.stdout.write(`unlocked customer ${loginId}\n`);
  } finally {
    await database.close();
  }
}
