import { userInfo } from "node:os";
import { parseArgs } from "node:util";
import { normalizeLoginId } from "../core/kernel/credentials.ts";
import { UsageError } from "./usage-error.ts";

export interface OperatorActionArgs {
  /** Normalised as at login: the operator types what is read out, often with the IME on (ｔａｒｏ０１). */
  loginId: string;
  /** `cli:<OS user>`, the actor the audit log records. */
  actor: string;
  /** `--reason`, or `<what> from the command line by <actor>`. */
  reason: string;
}

/** `COMMAND ID [--reason TEXT]`, the shape of every audited operator action on the command line. */
export function parseOperatorActionArgs(command: string, args: string[], defaultReason: (actor: string) => string): OperatorActionArgs {
  let parsed;
  try {
    parsed = parseArgs({ args, options: { reason: { type: "string" } }, strict: true, allowPositionals: true });
  } catch (error) {
    throw new UsageError(`${command}: ${error instanceof Error ? error.message.split("\n").join(" ") : String(error)}`, { showUsage: true });
  }
  const [typed, ...extra] = parsed.positionals;
  if (typed === undefined || extra.length > 0) {
    throw new UsageError(`${command}: give exactly one login ID`, { showUsage: true });
  }
  const actor = `cli:${userInfo().username}`;
  return { loginId: normalizeLoginId(typed), actor, reason: parsed.values.reason ?? defaultReason(actor) };
}
