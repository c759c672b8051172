import type { Clock, Customer, CustomerStore, PasswordHasher, Random } from "./ports.ts";
import { isValidEmail } from "./email-address.ts";
import { InvalidInputError } from "./errors.ts";
import { isTypablePassword, normalizeLoginId, normalizePassword } from "./credentials.ts";
import { LOGIN_ID_PATTERN, MAX_NAME_LENGTH, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from "./limits.ts";

// The name heads every mail ("お客さま NAME 様") and the session API. A line break
// of any kind (C0 and C1 controls such as NEL U+0085, U+2028, U+2029) would let it
// write lines of its own into the mail; a bidi control (Unicode's Bidi_Control set:
// U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069) reorders what is shown
// (Trojan Source, CVE-2021-42574). A name typed with an IME needs none of them.
const NOT_ALLOWED_IN_NAME = /[\p{Cc}\p{Zl}\p{Zp}\p{Bidi_Control}]/u;

export interface CustomerRegistrationInput {
  loginId: string;
  email: string;
  name: string;
  password: string;
  options?: { mfaEnabled?: boolean };
}

/** Every problem with the input, in words an operator can act on; empty when it is fine. */
export function registrationProblems(input: CustomerRegistrationInput): string[] {
  const problems: string[] = [];
  const loginId = normalizeLoginId(input.loginId);
  const password = normalizePassword(input.password);
  if (!LOGIN_ID_PATTERN.test(loginId)) {
    problems.push("login ID must be 1-64 characters of A-Z a-z 0-9 . _ -");
  }
  if (!isValidEmail(input.email)) {
    problems.push(`not a valid e-mail address: ${JSON.stringify(input.email.slice(0, 80))}`);
  }
  const name = input.name.trim();
  if (name === "" || name.length > MAX_NAME_LENGTH || NOT_ALLOWED_IN_NAME.test(name)) {
    problems.push(`name must be 1-${MAX_NAME_LENGTH} characters without control characters, line separators or bidi controls`);
  }
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

/** Adds a customer; throws InvalidInputError (and writes nothing) on bad input or a taken login ID. */
export async function registerCustomer(
  deps: { customers: CustomerStore; hasher: PasswordHasher; clock: Clock; random: Random },
  input: CustomerRegistrationInput,
): Promise<Customer> {
  const problems = registrationProblems(input);
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
    name: input.name.trim(),
    passwordHash: await deps.hasher.hash(normalizePassword(input.password)),
    mfaEnabled: input.options?.mfaEnabled ?? true,
    createdAt: deps.clock.now(),
  });
}
