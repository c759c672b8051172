import type { Clock, CustomerStore, NewCustomerRow, PasswordHasher, Random } from "../kernel/ports.ts";
import { normalizeBirthDate } from "../kernel/birth-date.ts";
import { customerDetailProblems, passwordProblems } from "./customer-registration.ts";
import { readableText } from "../kernel/readable-text.ts";
import { normalizeLoginId, normalizePassword } from "../kernel/credentials.ts";
import { InvalidInputError } from "../kernel/errors.ts";
import { importedHashProblem } from "./imported-password-hash.ts";
import { LOGIN_ID_PATTERN } from "../kernel/limits.ts";

/**
 * Bringing the old system's customers in (`customer import`, issue 11 item 12):
 * all of them or none. Every row is checked by the rules of `customer add`, and
 * against the others and the database, before anything is written; then one
 * transaction inserts them all.
 */

/** One customer of an import file, as read (not yet normalised). */
export interface ImportRow {
  /** Its line in the file (the header is line 1), for the report. */
  line: number;
  loginId: string;
  email: string;
  name: string;
  birthDate: string;
  /** The old system's hash, kept as it is, or a password to hash now. */
  secret: { passwordHash: string } | { password: string };
}

/** What is wrong with one line of an import, in words an operator can act on. */
export interface LineProblem {
  line: number;
  reason: string;
}

export interface ImportProgress {
  stage: "hashed" | "imported";
  done: number;
  total: number;
}

export interface ImportOptions {
  /** Passwords hashed at once: the cores, as argon2 runs on libuv's pool. */
  parallelism: number;
  /** Rows per INSERT statement. */
  batchSize: number;
  onProgress?: (progress: ImportProgress) => void;
  /** Called after the hashing, just before the one write; throws to stop the import (a live SQLite service started meanwhile). */
  beforeWrite?: () => void;
}

/**
 * Every problem of every row: its fields by the rules of `customer add`, login
 * IDs repeated in the file (case-insensitively, as login IDs are) and login IDs
 * that belong to a customer already. Empty when the rows can be imported. In line order.
 */
export async function importProblems(deps: { customers: CustomerStore; clock: Clock }, rows: readonly ImportRow[]): Promise<LineProblem[]> {
  const problems = rowProblems(rows, deps.clock.now());
  const firstLineOf = new Map<string, number>();
  for (const row of rows) {
    const loginId = normalizeLoginId(row.loginId);
    if (!LOGIN_ID_PATTERN.test(loginId)) {
      continue; // already reported by rowProblems
    }
    const first = firstLineOf.get(loginId);
    if (first === undefined) {
      firstLineOf.set(loginId, row.line);
    } else {
      problems.push({ line: row.line, reason: `login ID ${loginId} is also on line ${first} (login IDs do not differ by case)` });
    }
  }
  const taken = new Set(await deps.customers.existingLoginIds([...firstLineOf.keys()]));
  for (const row of rows) {
    const loginId = normalizeLoginId(row.loginId);
    if (taken.has(loginId) && firstLineOf.get(loginId) === row.line) {
      problems.push({ line: row.line, reason: `login ID ${loginId} already belongs to a customer` });
    }
  }
  return problems.sort((a, b) => a.line - b.line);
}

/**
 * Imports the rows: hashes the passwords given in clear (argon2id, `parallelism`
 * at a time), then inserts every customer in one transaction. Throws
 * InvalidInputError and writes nothing when a row breaks a rule or a login ID
 * was taken meanwhile; callers report `importProblems` first.
 */
export async function importCustomers(
  deps: { customers: CustomerStore; hasher: PasswordHasher; clock: Clock; random: Random },
  rows: readonly ImportRow[],
  options: ImportOptions,
): Promise<number> {
  const problems = rowProblems(rows, deps.clock.now());
  if (problems.length > 0) {
    throw new InvalidInputError(`${problems.length} bad rows, the first on line ${problems[0]?.line}; nothing was imported`);
  }
  const hashes = await hashAll(deps.hasher, rows, options);
  options.beforeWrite?.();
  const createdAt = deps.clock.now();
  const customers: NewCustomerRow[] = rows.map((row, index) => ({
    id: deps.random.id(),
    loginId: normalizeLoginId(row.loginId),
    email: row.email,
    name: readableText("customerName", row.name),
    passwordHash: hashes[index] ?? "",
    mfaEnabled: true,
    birthDate: normalizeBirthDate(row.birthDate),
    createdAt,
  }));
  await deps.customers.createMany(customers, {
    batchSize: options.batchSize,
    onProgress: (done) => options.onProgress?.({ stage: "imported", done, total: customers.length }),
  });
  return customers.length;
}

function rowProblems(rows: readonly ImportRow[], now: number): LineProblem[] {
  const problems: LineProblem[] = [];
  for (const row of rows) {
    // The birth date is a string here, so it is always checked: required, as in `customer add`.
    const reasons = customerDetailProblems(row, now);
    if ("passwordHash" in row.secret) {
      const problem = importedHashProblem(row.secret.passwordHash);
      if (problem !== null) {
        reasons.push(problem);
      }
    } else {
      reasons.push(...passwordProblems(row.secret.password));
    }
    for (const reason of reasons) {
      problems.push({ line: row.line, reason });
    }
  }
  return problems;
}

/** Each row's hash, in row order: the given one, or argon2id of the password, `parallelism` at a time. */
async function hashAll(hasher: PasswordHasher, rows: readonly ImportRow[], options: ImportOptions): Promise<string[]> {
  const hashes: string[] = [];
  const toHash: number[] = [];
  for (const [index, row] of rows.entries()) {
    if ("passwordHash" in row.secret) {
      hashes[index] = row.secret.passwordHash;
    } else {
      toHash.push(index);
    }
  }
  let next = 0;
  let done = 0;
  async function worker(): Promise<void> {
    while (next < toHash.length) {
      const index = toHash[next] as number;
      next += 1;
      const row = rows[index];
      if (row !== undefined && "password" in row.secret) {
        hashes[index] = await hasher.hash(normalizePassword(row.secret.password));
      }
      done += 1;
      options.onProgress?.({ stage: "hashed", done, total: toHash.length });
    }
  }
  // A fixed number of workers, each taking the next row: never more hashes in flight than cores.
  await Promise.all(Array.from({ length: Math.min(Math.max(1, options.parallelism), toHash.length) }, worker));
  return hashes;
}
