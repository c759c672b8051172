import type { CliContext } from "./cli-context.ts";
import type { CustomerRegistrationInput } from "../core/customers/customer-registration.ts";
import { registerCustomer, registrationProblems } from "../core/customers/customer-registration.ts";
import { InvalidInputError } from "../core/kernel/errors.ts";
import { buildPasswordHasher } from "../wiring/stores.ts";
import { nodeRandom, systemClock } from "../adapters/crypto/node-random.ts";
import { withStores } from "./with-stores.ts";
import { parseCommandArgs } from "./parse-command-args.ts";
import { readPassword } from "./read-stdin.ts";
import { UsageError } from "./usage-error.ts";

const COMMAND = "customer add";

const FLAGS = {
  "login-id": { type: "string" },
  email: { type: "string" },
  name: { type: "string" },
  "birth-date": { type: "string" },
} as const;

/**
 * `customer add --login-id ID --email ADDR --name NAME --birth-date YYYY-MM-DD`, the
 * password on standard input (DESIGN §7). The birth date is required here (issue 11):
 * every customer added from now on has one. Prints the new login ID, never the
 * password. Bad input throws before anything is written.
 */
export async function customerAddCommand(context: CliContext, args: string[]): Promise<void> {
  const flags = parseCommandArgs(COMMAND, args, FLAGS);
  const loginId = requiredFlag(flags["login-id"], "--login-id");
  const email = requiredFlag(flags.email, "--email");
  const name = requiredFlag(flags.name, "--name");
  const birthDate = requiredFlag(flags["birth-date"], "--birth-date");
  // Before the password, so a broken environment is reported before anyone types a secret.
  const config = context.config();

  const password = await readPassword(context.stdin, context.stderr);
  if (password === null) {
    throw new UsageError(`${COMMAND}: no password on standard input (give it as the first line)`);
  }
  const input: CustomerRegistrationInput = { loginId, email, name, password, birthDate };
  // registerCustomer checks this too; checking before opening the database means bad
  // input is reported as such (exit 2) whatever DATABASE_URL points at.
  const problems = registrationProblems(input, { clock: systemClock });
  if (problems.length > 0) {
    throw new InvalidInputError(problems.join("; "));
  }

  // Never creates the database: a customer added to a mistyped one would be lost (security review).
  await withStores(config, async (stores) => {
    const customer = await registerCustomer(
      {
        customers: stores.customers,
        hasher: buildPasswordHasher(config),
        clock: systemClock,
        random: nodeRandom,
      },
      input,
    );
    context.stdout.write(`added customer ${customer.loginId}\n`);
  });
}

function requiredFlag(value: string | undefined, flag: string): string {
  if (value === undefined) {
    throw new UsageError(`${COMMAND}: missing ${flag}`, { showUsage: true });
  }
  return value;
}
