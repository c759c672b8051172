import { randomUUID } from "node:crypto";
import type { CliContext } from "./cli-context.ts";
import { systemClock } from "../adapters/crypto/node-random.ts";
import { disableOperator } from "../core/console/operators/operator-disable.ts";
import { parseOperatorActionArgs } from "./operator-action-args.ts";
import { withStores } from "./with-stores.ts";

const COMMAND = "operator disable";

/** `operator disable ID [--reason TEXT]` (DESIGN §7): audited with the OS user as the actor, as `customer unlock`. */
export async function operatorDisableCommand(context: CliContext, args: string[]): Promise<void> {
  const { loginId, actor, reason } = parseOperatorActionArgs(COMMAND, args, (user) => `disabled from the command line by ${user}`);
  const config = context.config();
  await withStores(config, async (stores) => {
    await disableOperator({ operators: stores.operators, audit: stores.audit, clock: systemClock }, loginId, { actor, reason, ip: "cli", requestId: randomUUID() });
    context.stdout.write(`disabled operator ${loginId}\n`);
  });
}
