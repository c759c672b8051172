import type { Clock, Customer, CustomerStore, PasswordHasher, Random } from "../kernel/ports.ts";
import { birthDateProblem, normalizeBirthDate } from "../kernel/birth-date.ts";
import { isValidEmail } from "../kernel/email-address.ts";
import { InvalidInputError } from "../kernel/errors.ts";
import { isTypablePassword, normalizeLoginId, normalizePassword } from "../kernel/credentials.ts";
import { LOGIN_ID_PATTERN, MAX_NAME_LENGTH, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from "../kernel/limits.ts";
import { readableText, readableTextCheck, readableTextProblemWords } from "../kernel/readable-text.ts";
import type { ReadableTextField } from "../kernel/readable-text.ts";

export interface CustomerRegistrationInput {
  loginId: string;
  email: string;
  name: string;
  password: string;
  /**
   * `YYYY-MM-DD` (issue 11), checked when given. Optional here so callers from
   * before it keep working; `customer add` and `customer import` always give one.
   */
  birthDate?: string | null;
  options?: { mfaEnabled?: boolean };
}

/** What `customer add` and `customer import` both check, apart from the password. */
export interface CustomerDetails {
  loginId: string;
  email: string;
  name: string;
  birthDate?: string | null;
}

/**
 * Every problem with a customer's login ID, address, name and birth date (when
 * given), in words an operator can act on; empty when they are fine. `now`
 * (epoch ms) decides which birth dates lie in the future.
 */
export function customerDetailProblems(details: CustomerDetails, now: number): string[] {
  const problems: string[] = [];
  if (!LOGIN_ID_PATTERN.test(normalizeLoginId(details.loginId))) {
    problems.push("login ID must be 1-64 characters of A-Z a-z 0-9 . _ -");
  }
  if (!isValidEmail(details.email)) {
    problems.push(`not a valid e-mail address: ${JSON.stringify(details.email.slice(0, 80))}`);
  }
  const name = nameProblem("customerName", details.name);
  if (name !== null) {
    problems.push(name);
  }
  if (details.birthDate !== undefined && details.birthDate !== null) {
    const problem = birthDateProblem(details.birthDate, now);
    if (problem !== null) {
      problems.push(problem);
    }
  }
  return problems;
}

/**
 * What is wrong with a customer's or an operator's name, or null. The name heads every mail
 * ("お客さま NAME 様"), the session API and the console: readable-text.ts refuses line breaks,
 * bidi controls, hidden and blank-looking characters and web addresses (issue 17 item 14).
 */
export function nameProblem(field: Extract<ReadableTextField, "customerName" | "operatorName">, typed: string): string | null {
  const checked = readableTextCheck(field, typed);
  return "problem" in checked ? `name must be readable text of 1-${MAX_NAME_LENGTH} characters: ${readableTextProblemWords(checked.problem)}` : null;
}

/** Every problem with a password as typed (before NFKC); empty when it is fine. Never quotes the password. */
export function passwordProblems(typed: string): string[] {
  const problems: string[] = [];
  const password = normalizePassword(typed);
  if ([...password].length < MIN_PASSWORD_LENGTH) {
    problems.push(`password must be at least ${MIN_PASSWORD_LENGTH} characters`);
  }
  if (!isTypablePassword(password)) {
    problems.push("password must not contain control characters (other than tab) or broken encoding");
  }
  if ([...password].length > MAX_PASSWORD_LENGTH) {
    problems.push(`password must be at most ${MAX_PASSWORD_LENGTH} characters`);
  }
  return problems;
}

/**
 * Every problem with the input, in words an operator can act on; empty when it
 * is fine. A birth date needs `options.clock` to be checked against today.
 */
export function registrationProblems(input: CustomerRegistrationInput, options: { clock?: Clock } = {}): string[] {
  const hasBirthDate = input.birthDate !== undefined && input.birthDate !== null;
  if (hasBirthDate && options.clock === undefined) {
    // A programming error, not bad input: without today no birth date can be judged.
    throw new Error("registrationProblems: a birth date is checked against options.clock, which is missing");
  }
  return [...customerDetailProblems(input, options.clock?.now() ?? 0), ...passwordProblems(input.password)];
}

/** Adds a customer; throws InvalidInputError (and writes nothing) on bad input or a taken login ID. */
export async function registerCustomer(
  deps: { customers: CustomerStore; hasher: PasswordHasher; clock: Clock; random: Random },
  input: CustomerRegistrationInput,
): Promise<Customer> {
  const problems = registrationProblems(input, { clock: deps.clock });
  if (problems.length > 0) {
    throw new InvalidInputError(problems.join("; "));
  }
  const loginId = normalizeLoginId(input.loginId);
  if ((await deps.customers.findByLoginId(loginId)) !== null) {
    throw new InvalidInputError(`login ID already exists: ${loginId}`);
  }
  return deps.customers.create({
    id: deps.random.id(),
    loginId,
    email: input.email,
    name: readableText("customerName", input.name),
    passwordHash: await deps.hasher.hash(normalizePassword(input.password)),
    mfaEnabled: input.options?.mfaEnabled ?? true,
    birthDate: input.birthDate === undefined || input.birthDate === null ? null : normalizeBirthDate(input.birthDate),
    createdAt: deps.clock.now(),
  });
}
