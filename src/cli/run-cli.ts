import type { CliContext } from "./cli-context.ts";
import { ConfigError } from "../config.ts";
import { InvalidInputError } from "../core/kernel/errors.ts";
import { customerAddCommand } from "./customer-add-command.ts";
import { customerImportCommand } from "./customer-import-command.ts";
import { customerUnlockCommand } from "./customer-unlock-command.ts";
import { customerSetTradingPinCommand } from "./customer-set-trading-pin-command.ts";
import { migrateCommand } from "./migrate-command.ts";
import { operatorAddCommand } from "./operator-add-command.ts";
import { operatorDisableCommand } from "./operator-disable-command.ts";
import { operatorUnlockCommand } from "./operator-unlock-command.ts";
import { auditVerifyCommand } from "./audit-verify-command.ts";
import { clientAddCommand, clientListCommand, clientRemoveCommand, clientRotateSecretCommand } from "./client-command.ts";
import { USAGE } from "./usage.ts";
import { UsageError } from "./usage-error.ts";

type Command = (context: CliContext, args: string[]) => Promise<void>;

/** Command names of one or two words (`migrate`, `customer add`); DESIGN §7 adds more later. */
const COMMANDS: Record<string, Command> = {
  migrate: migrateCommand,
  "customer add": customerAddCommand,
  "customer import": customerImportCommand,
  "customer unlock": customerUnlockCommand,
  "customer set-trading-pin": customerSetTradingPinCommand,
  "operator add": operatorAddCommand,
  "operator disable": operatorDisableCommand,
  "operator unlock": operatorUnlockCommand,
  "audit verify": auditVerifyCommand,
  "client add": clientAddCommand,
  "client list": clientListCommand,
  "client remove": clientRemoveCommand,
  "client rotate-secret": clientRotateSecretCommand,
};

const HELP_WORDS = new Set(["help", "--help", "-h"]);

/** Exit statuses, also listed in the usage text. */
const EXIT_OK = 0;
const EXIT_FAILURE = 1;
const EXIT_BAD_INPUT = 2;

/**
 * Runs one command line and returns the exit status. Every failure becomes one
 * line on stderr starting with `error:`; bad input exits 2, anything else 1.
 */
export async function runCli(context: CliContext, argv: string[]): Promise<number> {
  try {
    await dispatch(context, argv);
    return EXIT_OK;
  } catch (error) {
    return report(context, error);
  }
}

async function dispatch(context: CliContext, argv: string[]): Promise<void> {
  const first = argv[0];
  if (first === undefined) {
    throw new UsageError("no command given", { showUsage: true });
  }
  if (HELP_WORDS.has(first)) {
    context.stdout.write(USAGE);
    return;
  }
  for (const words of [2, 1]) {
    const command = COMMANDS[argv.slice(0, words).join(" ")];
    if (command !== undefined) {
      await command(context, argv.slice(words));
      return;
    }
  }
  const named = argv.slice(0, 2).filter((word) => !word.startsWith("-"));
  throw new UsageError(`unknown command ${JSON.stringify(named.join(" ") || first)}`, { showUsage: true });
}

function report(context: CliContext, error: unknown): number {
  if (error instanceof UsageError) {
    context.stderr.write(`error: ${error.message}\n`);
    if (error.showUsage) {
      context.stderr.write(`\n${USAGE}`);
    }
    return EXIT_BAD_INPUT;
  }
  if (error instanceof InvalidInputError) {
    // The detail names the problems (bad address, short password, taken login ID), never the password.
    context.stderr.write(`error: ${error.detail}\n`);
    return EXIT_BAD_INPUT;
  }
  if (error instanceof ConfigError) {
    context.stderr.write(`error: ${oneLine(error.message)}\n`);
    return EXIT_FAILURE;
  }
  context.stderr.write(`error: ${error instanceof Error ? oneLine(error.message) : String(error)}\n`);
  return EXIT_FAILURE;
}

function oneLine(message: string): string {
  return message
    .split("\n")
    .map((part) => part.trim())
    .filter((part) => part !== "")
    .join(" ");
}
