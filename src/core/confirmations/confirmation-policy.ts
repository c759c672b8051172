import type { OperationType } from "./confirmation-operation.ts";
import { OPERATION_TYPES } from "./confirmation-operation.ts";

/** What a customer can be asked for: the trading PIN, an emailed code, a passkey (user verified). */
export const CONFIRMATION_METHODS = ["pin", "code", "passkey"] as const;
export type ConfirmationMethod = (typeof CONFIRMATION_METHODS)[number];

/**
 * For each operation type, the accepted combinations in order of preference: the first one the
 * customer can use applies (a passkey combination only for a customer who has a passkey).
 */
export type ConfirmationPolicy = Readonly<Record<OperationType, readonly (readonly ConfirmationMethod[])[]>>;

/**
 * Issue 13 §5: trades keep today's rule, the PIN alone (seed Q10); withdrawals and changes of the
 * withdrawal account take PIN + passkey, and PIN + emailed code as the interim alternative that
 * the JSDA guideline (in force 2025-10-15) allows on a published schedule.
 */
export const DEFAULT_CONFIRMATION_POLICY_TEXT = "trade=pin,withdrawal=pin+passkey|pin+code,bank_account_change=pin+passkey|pin+code";

/** The operations for which PASSKEY_REQUIRED_FOR_WITHDRAWALS_FROM ends the emailed-code alternative (JSDA: withdrawals and the withdrawal account). */
export const PASSKEY_SCHEDULED_TYPES: readonly OperationType[] = ["withdrawal", "bank_account_change"];

/**
 * Reads `trade=pin,withdrawal=pin+passkey|pin+code`: types apart by `,`, combinations by `|`,
 * methods by `+`. A type not named keeps its default. Every combination includes the PIN (seed
 * Q10: the trading PIN stays); a wrong word, a type named twice or a repeated method is refused
 * with a message naming it.
 */
export function parseConfirmationPolicy(text: string): { policy: ConfirmationPolicy } | { problem: string } {
  const policy: Record<string, (readonly ConfirmationMethod[])[]> = {};
  const defaults = text === DEFAULT_CONFIRMATION_POLICY_TEXT ? null : parseConfirmationPolicy(DEFAULT_CONFIRMATION_POLICY_TEXT);
  for (const entry of text.split(",").map((part) => part.trim())) {
    const [type = "", alternatives = "", ...rest] = entry.split("=").map((part) => part.trim());
    if (!OPERATION_TYPES.includes(type as OperationType) || rest.length > 0) {
      return { problem: `"${entry}" must be TYPE=METHODS with TYPE one of ${OPERATION_TYPES.join(", ")}` };
    }
    if (policy[type] !== undefined) {
      return { problem: `${type} is named twice` };
    }
    const combinations: ConfirmationMethod[][] = [];
    for (const alternative of alternatives.split("|").map((part) => part.trim())) {
      const methods = alternative.split("+").map((part) => part.trim());
      if (methods.some((method) => !CONFIRMATION_METHODS.includes(method as ConfirmationMethod)) || new Set(methods).size !== methods.length) {
        return { problem: `"${alternative}" for ${type} must be methods from ${CONFIRMATION_METHODS.join(", ")} joined by +, each once` };
      }
      if (!methods.includes("pin")) {
        return { problem: `"${alternative}" for ${type} must include pin (the trading PIN stays, seed Q10)` };
      }
      // One order everywhere (pin, code, passkey), so `required` reads the same whatever was typed.
      combinations.push(CONFIRMATION_METHODS.filter((method) => methods.includes(method)));
    }
    policy[type] = combinations;
  }
  for (const type of OPERATION_TYPES) {
    if (policy[type] === undefined && defaults !== null && "policy" in defaults) {
      policy[type] = [...defaults.policy[type]];
    }
  }
  return { policy: policy as unknown as ConfirmationPolicy };
}

/**
 * The methods this customer must use for an operation of `type`, or null when every combination
 * needs a passkey the customer has not registered. From the published passkey date on
 * (`passkeyScheduleReached`), a withdrawal or an account change accepts passkey combinations only,
 * PIN + passkey when the policy named none.
 */
export function requiredMethods(policy: ConfirmationPolicy, type: OperationType, facts: { hasPasskey: boolean; passkeyScheduleReached: boolean }): ConfirmationMethod[] | null {
  let combinations = policy[type];
  if (facts.passkeyScheduleReached && PASSKEY_SCHEDULED_TYPES.includes(type)) {
    const withPasskey = combinations.filter((methods) => methods.includes("passkey"));
    combinations = withPasskey.length > 0 ? withPasskey : [["pin", "passkey"]];
  }
  const usable = combinations.find((methods) => facts.hasPasskey || !methods.includes("passkey"));
  return usable === undefined ? null : [...usable];
}
