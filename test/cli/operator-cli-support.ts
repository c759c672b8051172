import { openDatabase } from "../../src/adapters/db/connect.ts";
import { nodeRandom, systemClock } from "../../src/adapters/crypto/node-random.ts";
import { loadConfig } from "../../src/config.ts";
import type { Operator } from "../../src/core/console/operators/ports-operator.ts";
import { buildStores } from "../../src/wiring/stores.ts";

/** What the CLI wrote: the operator (secret opened with the CLI's own key) and the audit rows about operators. */
export async function readOperator(databaseUrl: string, loginId: string): Promise<{ operator: Operator | null; count: number; audit: Array<{ event: string; actor: string; detail: string }> }> {
  const database = openDatabase(databaseUrl);
  try {
    // The same configuration the spawned CLI loads from its environment (DATABASE_URL only).
    const stores = buildStores(database, loadConfig({ DATABASE_URL: databaseUrl }).config, { clock: systemClock, random: nodeRandom });
    const counted = await database.db.selectFrom("operators").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
    const audit = await database.db.selectFrom("audit_events").select(["event", "actor", "detail"]).where("event", "like", "operator.%").orderBy("at").execute();
    return { operator: await stores.operators.findByLoginId(loginId), count: Number(counted.n), audit };
  } finally {
    await database.close();
  }
}

export function operatorAddArgs(loginId: string, options: { name?: string; role?: string } = {}): string[] {
  return ["operator", "add", "--login-id", loginId, "--name", options.name ?? "窓口 花子", "--role", options.role ?? "agent"];
}

export const OPERATOR_PASSWORD = "call center 42 blue";
