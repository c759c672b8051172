import { parseArgs } from "node:util";
import type { ParseArgsConfig } from "node:util";
import { UsageError } from "./usage-error.ts";

type FlagSpec = NonNullable<ParseArgsConfig["options"]>;

/** The flag values parseArgs would type for these options in strict mode without positionals. */
export type ParsedFlags<T extends FlagSpec> = ReturnType<
  typeof parseArgs<{ args: string[]; options: T; strict: true; allowPositionals: false }>
>["values"];

/**
 * `node:util` parseArgs in strict mode (an unknown flag or a stray argument is
 * an error), with its errors turned into one-line UsageErrors.
 */
export function parseCommandArgs<T extends FlagSpec>(command: string, args: string[], options: T): ParsedFlags<T> {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    if (error instanceof TypeError && "code" in error && String(error.code).startsWith("ERR_PARSE_ARGS_")) {
      // parseArgs' messages can span lines; the CLI promises one line per error.
      throw new UsageError(`${command}: ${error.message.split("\n").join(" ")}`, { showUsage: true });
    }
    throw error;
  }
}
