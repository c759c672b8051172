import { randomUUID } from "node:crypto";
import { userInfo } from "node:os";
import type { CliContext } from "./cli-context.ts";
import type { OperatorRegistrationInput } from "../core/console/operators/operator-registration.ts";
import { operatorRegistrationProblems, registerOperator } from "../core/console/operators/operator-registration.ts";
import { InvalidInputError } from "../core/kernel/errors.ts";
import { totpUri } from "../core/console/operators/totp.ts";
import { buildPasswordHasher } from "../wiring/stores.ts";
import { nodeRandom, systemClock } from "../adapters/crypto/node-random.ts";
import { commonPasswordList } from "../adapters/password-list/common-passwords.ts";
import { withStores } from "./with-stores.ts";
import { parseCommandArgs } from "./parse-command-args.ts";
import { readPassword } from "./read-stdin.ts";
import { UsageError } from "./usage-error.ts";

const COMMAND = "operator add";

/** The issuer an authenticator app shows beside the code (DESIGN §5). */
export const CONSOLE_TOTP_ISSUER = "OKB証券 Console";

const FLAGS = {
  "login-id": { type: "string" },
  name: { type: "string" },
  role: { type: "string" },
} as const;

/**
 * `operator add --login-id ID --name NAME --role agent|supervisor`, the password on
 * standard input (DESIGN §7). Prints the TOTP `otpauth://` URI once: the secret is
 * stored sealed and never shown again. Bad input throws before anything is written.
 */
export async function operatorAddCommand(context: CliContext, args: string[]): Promise<void> {
  const flags = parseCommandArgs(COMMAND, args, FLAGS);
  const loginId = requiredFlag(flags["login-id"], "--login-id");
  const name = requiredFlag(flags.name, "--name");
  const role = requiredFlag(flags.role, "--role");
  const config = context.config();

  const password = await readPassword(context.stdin, context.stderr);
  if (password === null) {
    throw new UsageError(`${COMMAND}: no password on standard input (give it as the first line)`);
  }
  const input: OperatorRegistrationInput = { loginId, name, role, password };
  const commonPasswords = commonPasswordList();
  // Checked before the database is opened, so bad input exits 2 whatever DATABASE_URL is.
  const problems = operatorRegistrationProblems(input, commonPasswords);
  if (problems.length > 0) {
    throw new InvalidInputError(problems.join("; "));
  }

  await withStores(config, async (stores) => {
    const added = await registerOperator(
      { operators: stores.operators, hasher: buildPasswordHasher(config), clock: systemClock, random: nodeRandom, audit: stores.audit, commonPasswords },
      input,
      { actor: `cli:${userInfo().username}`, ip: "cli", requestId: randomUUID() },
    );
    context.stderr.write(`added operator ${added.loginId} (${role}); add this to the operator's authenticator app now, it is not shown again:\n`);
    context.stdout.write(`${totpUri(added.totpSecret, { issuer: CONSOLE_TOTP_ISSUER, account: added.loginId })}\n`);
  });
}

function requiredFlag(value: string | undefined, flag: string): string {
  if (value === undefined) {
    throw new UsageError(`${COMMAND}: missing ${flag}`, { showUsage: true });
  }
  return value;
}
