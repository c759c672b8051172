import { InvalidInputError } from "./errors.ts";
import { MAX_PASSKEY_NAME_LENGTH } from "./limits.ts";

// As for a customer's name (customer-registration.ts): no control characters, line or paragraph
// separators, or bidi controls (Trojan Source, CVE-2021-42574): the name is shown on pages and to
// the call center, where it must read as typed.
const NOT_ALLOWED_IN_PASSKEY_NAME = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

/**
 * A passkey's name as the customer typed it (「仕事用 iPhone」): NFC, spaces of every width at
 * the ends trimmed and runs of them made one, 1–40 characters; [4000] otherwise.
 */
export function checkedPasskeyName(typed: string): string {
  const name = typed.normalize("NFC").replace(/[\s\u3000]+/gu, " ").trim();
  const length = [...name].length;
  if (length === 0 || length > MAX_PASSKEY_NAME_LENGTH || NOT_ALLOWED_IN_PASSKEY_NAME.test(name)) {
    throw new InvalidInputError(`passkey name refused (${length} characters)`);
  }
  return name;
}
