import type { CliContext } from "./cli-context.ts";
import { checkAuditChain } from "../adapters/db/audit-chain-check.ts";
import { formatJapanTimeWithZone } from "../core/kernel/japan-time.ts";
import { parseCommandArgs } from "./parse-command-args.ts";
import { openMigratedDatabase } from "./open-migrated-database.ts";

const COMMAND = "audit verify";

/**
 * `audit verify`: checks the audit log's hash chain (issue 17 item 9). Intact: the row count and
 * the head (seq and hash, worth keeping outside the database), exit 0. Broken: the first broken
 * link (seq, row ID, time in JST) and what is wrong, exit 1. Reads only.
 */
export async function auditVerifyCommand(context: CliContext, args: string[]): Promise<void> {
  parseCommandArgs(COMMAND, args, {});
  const database = await openMigratedDatabase(context.config().databaseUrl);
  try {
    const report = await checkAuditChain(database.db);
    if (!report.intact) {
      const where = report.row === null ? "at the end of the log" : `at seq ${report.row.seq ?? "none"} (row ${report.row.id}, ${formatJapanTimeWithZone(report.row.at)})`;
      throw new Error(`audit log chain broken ${where}: ${report.problem}; ${report.rowsBefore} rows before it are intact`);
    }
    context.stdout.write(`audit log chain intact: ${report.rows} rows; head seq ${report.headSeq} hash ${report.headHash}\n`);
  } finally {
    await database.close();
  }
}
