import { randomUUID } from "node:crypto";
import type { CliContext } from "./cli-context.ts";
import { unlockOperator } from "../core/console/operators/operator-unlock.ts";
import { parseOperatorActionArgs } from "./operator-action-args.ts";
import { withStores } from "./with-stores.ts";

const COMMAND = "operator unlock";

/** `operator unlock ID [--reason TEXT]`: lifts an operator's lockout, audited with the OS user as the actor, as `customer unlock`. */
export async function operatorUnlockCommand(context: CliContext, args: string[]): Promise<void> {
  const { loginId, actor, reason } = parseOperatorActionArgs(COMMAND, args, (user) => `unlocked from the command line by ${user}`);
  const config = context.config();
  await withStores(config, async (stores) => {
    await unlockOperator({ operators: stores.operators, audit: stores.audit }, loginId, { actor, reason, ip: "cli", requestId: randomUUID() });
    context.stdout.write(`unlocked operator ${loginId}\n`);
  });
}
