import type { Clock, PasswordHasher, Random } from "../../kernel/ports.ts";
import type { AuditLog } from "../../kernel/ports-audit.ts";
import type { OperatorRole, OperatorStore } from "./ports-operator.ts";
import type { BackOfficeAction } from "../back-office-action.ts";
import { auditBackOfficeAction } from "../back-office-action.ts";
import type { CommonPasswords, PasswordRefusal } from "../../kernel/password-policy.ts";
import { customerDetailProblems, nameProblem } from "../../customers/customer-registration.ts";
import { readableText } from "../../kernel/readable-text.ts";
import { normalizeLoginId, normalizePassword, isTypablePassword } from "../../kernel/credentials.ts";
import { InvalidInputError } from "../../kernel/errors.ts";
import { passwordRefusal } from "../../kernel/password-policy.ts";
import { generateTotpSecret } from "./totp.ts";

export const OPERATOR_ROLES: readonly OperatorRole[] = ["agent", "supervisor"];

export interface OperatorRegistrationInput {
  loginId: string;
  name: string;
  role: string;
  password: string;
}

const REFUSAL_WORDS: Record<PasswordRefusal, string> = {
  too_short: "password is too short (at least 8 characters)",
  too_long: "password is too long (at most 256 characters)",
  common: "password is on the list of common passwords",
  same_as_login_id: "password must not be the login ID",
  same_as_current: "password must not be the current password",
};

/**
 * Every problem with a new operator, in words an administrator can act on; empty when
 * fine. Login ID and name follow the customers' rules; the password the rules of a new
 * customer password (NIST SP 800-63B-4 §3.1.1.2, password-policy.ts). Never quotes the password.
 */
export function operatorRegistrationProblems(input: OperatorRegistrationInput, commonPasswords: CommonPasswords): string[] {
  // The address is not an operator's; a placeholder that passes keeps the shared checks of ID and name.
  // The address and name are not a customer's: placeholders that pass keep the shared check of the ID.
  const problems = customerDetailProblems({ loginId: input.loginId, email: "operator@example.jp", name: "operator" }, 0);
  const name = nameProblem("operatorName", input.name);
  if (name !== null) {
    problems.push(name);
  }
  if (!(OPERATOR_ROLES as readonly string[]).includes(input.role)) {
    problems.push(`role must be one of ${OPERATOR_ROLES.join(", ")}`);
  }
  const refusal = passwordRefusal(input.password, { loginId: input.loginId, commonPasswords });
  if (refusal !== null) {
    problems.push(REFUSAL_WORDS[refusal]);
  }
  if (!isTypablePassword(normalizePassword(input.password))) {
    problems.push("password must not contain control characters (other than tab) or broken encoding");
  }
  return problems;
}

/**
 * Adds an operator with a new TOTP secret (returned once, for the `otpauth://` URI);
 * audited. Throws InvalidInputError, writing nothing, on bad input or a taken login ID.
 */
export async function registerOperator(
  deps: { operators: OperatorStore; hasher: PasswordHasher; clock: Clock; random: Random; audit: AuditLog; commonPasswords: CommonPasswords },
  input: OperatorRegistrationInput,
  action: Omit<BackOfficeAction, "reason">,
): Promise<{ loginId: string; totpSecret: string }> {
  const problems = operatorRegistrationProblems(input, deps.commonPasswords);
  if (problems.length > 0) {
    throw new InvalidInputError(problems.join("; "));
  }
  const loginId = normalizeLoginId(input.loginId);
  if ((await deps.operators.findByLoginId(loginId)) !== null) {
    throw new InvalidInputError(`operator login ID already exists: ${loginId}`);
  }
  const totpSecret = generateTotpSecret(deps.random);
  const operator = await deps.operators.create({
    id: deps.random.id(),
    loginId,
    name: readableText("operatorName", input.name),
    role: input.role as OperatorRole,
    passwordHash: await deps.hasher.hash(normalizePassword(input.password)),
    totpSecret,
    createdAt: deps.clock.now(),
  });
  await auditBackOfficeAction(deps.audit, action, "operator.added", null, { operatorId: operator.id, operatorLoginId: operator.loginId, role: operator.role });
  return { loginId: operator.loginId, totpSecret };
}
