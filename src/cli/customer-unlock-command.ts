import { randomUUID } from "node:crypto";
import type { CliContext } from "./cli-context.ts";
import { unlockAccount } from "../core/console/account-unlock.ts";
import { parseOperatorActionArgs } from "./operator-action-args.ts";
import { withStores } from "./with-stores.ts";

const COMMAND = "customer unlock";

/**
 * `customer unlock ID [--reason TEXT]`: an operator action (DESIGN §7), audited
 * with the OS user as the actor and the reason.
 */
export async function customerUnlockCommand(context: CliContext, args: string[]): Promise<void> {
  // The ID is normalised as login and `customer add` do: the operator types what the customer reads out.
  const { loginId, actor: operator, reason } = parseOperatorActionArgs(COMMAND, args, (actor) => `unlocked from the command line by ${actor}`);
  const config = context.config();
  await withStores(config, async (stores) => {
    await unlockAccount(
      { customers: stores.customers, audit: stores.audit },
      loginId,
      { actor: operator, reason, ip: "cli", requestId: randomUUID() },
    );
    context.stdout.write(`unlocked customer ${loginId}\n`);
  });
}
