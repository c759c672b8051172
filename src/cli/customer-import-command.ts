import { readFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";
import type { CliContext } from "./cli-context.ts";
import type { ImportProgress, LineProblem } from "../core/customers/customer-import.ts";
import { importCustomers, importProblems } from "../core/customers/customer-import.ts";
import { InvalidInputError } from "../core/kernel/errors.ts";
import { buildPasswordHasher } from "../wiring/stores.ts";
import { nodeRandom, systemClock } from "../adapters/crypto/node-random.ts";
import { readCustomerCsv } from "./customer-csv.ts";
import { withStores } from "./with-stores.ts";
import { liveSqliteService } from "../adapters/db/sqlite-live-marker.ts";
import { UsageError } from "./usage-error.ts";

const COMMAND = "customer import";

// 500 rows of 8 columns is 4,000 bound parameters: far below SQLite's 32,766 and PostgreSQL's 65,535,
// and large enough that 100,000 rows take 200 statements.
const ROWS_PER_STATEMENT = 500;
// A line at least this often, so an operator watching 100,000 passwords being hashed sees it move.
const PROGRESS_EVERY_MS = 2000;

/**
 * `customer import FILE.csv` (DESIGN §7): brings the old system's customers in,
 * all or none. Every bad line is reported on stderr (`line N: reason`) and then
 * nothing is written (exit 2); otherwise one transaction inserts them all and
 * stdout says `imported N customers`.
 */
export async function customerImportCommand(context: CliContext, args: string[]): Promise<void> {
  const path = fileArgument(args);
  const config = context.config();
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const reason = typeof error === "object" && error !== null && "code" in error ? String(error.code) : String(error);
    throw new UsageError(`${COMMAND}: cannot read ${path} (${reason})`);
  }
  const csv = readCustomerCsv(bytes);
  if (!csv.headerOk) {
    refuse(context, csv.problems, "the header is wrong (listed above); nothing was imported");
  }
  // Every line below the header is one row: read, or reported as unreadable.
  const rowCount = csv.rows.length + csv.problems.length;
  if (rowCount === 0) {
    throw new InvalidInputError(`${path} has no customers below its header; nothing was imported`);
  }

  // Never creates the database: customers imported into a mistyped one would be lost.
  await withStores(config, async (stores) => {
    refuseBesideLiveSqliteService(config.databaseUrl);
    const customers = stores.customers;
    const problems = [...csv.problems, ...(await importProblems({ customers, clock: systemClock }, csv.rows))];
    if (problems.length > 0) {
      const badLines = new Set(problems.map((problem) => problem.line)).size;
      refuse(context, problems, `${badLines} of ${rowCount} rows are bad (listed above); nothing was imported`);
    }
    const imported = await importCustomers(
      { customers, hasher: buildPasswordHasher(config), clock: systemClock, random: nodeRandom },
      csv.rows,
      {
        parallelism: availableParallelism(),
        batchSize: ROWS_PER_STATEMENT,
        onProgress: progressLine(context.stderr),
        // Hashing clear passwords may take minutes: a service may have started meanwhile.
        beforeWrite: () => refuseBesideLiveSqliteService(config.databaseUrl),
      },
    );
    context.stdout.write(`imported ${imported} customers\n`);
  });
}

/**
 * Issue 17 item 12: on SQLite the import's one transaction holds the only write lock for as
 * long as it inserts (seconds for 100,000 rows), and a live service on the same file waits for it
 * with its event loop stopped, then answers 500 `database is locked`. All or none needs the one
 * transaction, so the import refuses to run beside a live service instead (exit 1, nothing
 * written). PostgreSQL locks rows, not the database: there the import runs beside live services.
 */
function refuseBesideLiveSqliteService(databaseUrl: string): void {
  const live = liveSqliteService(databaseUrl, Date.now());
  if (live !== null) {
    throw new Error(
      `a service is running on this SQLite database (${live.who}, seen ${live.secondsAgo} s ago); stop it, run the import, then start it again: an import beside it would stall its requests (on PostgreSQL the import runs beside live services); nothing was imported`,
    );
  }
}

function fileArgument(args: string[]): string {
  let parsed;
  try {
    parsed = parseArgs({ args, options: {}, strict: true, allowPositionals: true });
  } catch (error) {
    throw new UsageError(`${COMMAND}: ${error instanceof Error ? error.message.split("\n").join(" ") : String(error)}`, { showUsage: true });
  }
  const [path, ...extra] = parsed.positionals;
  if (path === undefined || extra.length > 0) {
    throw new UsageError(`${COMMAND}: give exactly one FILE.csv`, { showUsage: true });
  }
  return path;
}

/** Prints every bad line, one per line in line order, and stops with exit 2 and `summary`. */
function refuse(context: CliContext, problems: LineProblem[], summary: string): never {
  const reasonsByLine = new Map<number, string[]>();
  for (const problem of [...problems].sort((a, b) => a.line - b.line)) {
    reasonsByLine.set(problem.line, [...(reasonsByLine.get(problem.line) ?? []), problem.reason]);
  }
  for (const [line, reasons] of reasonsByLine) {
    context.stderr.write(`line ${line}: ${visible(reasons.join("; "))}\n`);
  }
  throw new InvalidInputError(summary);
}

// A reason may quote a bad value from the file (an address); a control or bidi character in it
// would break the report's lines or reorder what the operator's terminal shows.
const UNSAFE_FOR_TERMINAL = /[\p{Cc}\p{Zl}\p{Zp}\p{Bidi_Control}]/gu;

function visible(text: string): string {
  return text.replace(UNSAFE_FOR_TERMINAL, (char) => `\\u{${(char.codePointAt(0) ?? 0).toString(16)}}`);
}

/** `hashed 800/2000 passwords`, `imported 20000/100000 customers`: every PROGRESS_EVERY_MS, and when a stage ends. */
function progressLine(stderr: NodeJS.WritableStream): (progress: ImportProgress) => void {
  let last = Date.now();
  return ({ stage, done, total }) => {
    const now = Date.now();
    if (done === total || now - last >= PROGRESS_EVERY_MS) {
      last = now;
      stderr.write(`${stage} ${done}/${total} ${stage === "hashed" ? "passwords" : "customers"}\n`);
    }
  };
}
