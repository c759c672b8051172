import { dictionary } from "@zxcvbn-ts/language-common";
import type { CommonPasswords } from "../../core/kernel/password-policy.ts";

/**
 * The 49,233 most common passwords of public breaches, as the zxcvbn-ts project keeps
 * them (@zxcvbn-ts/language-common, docs/decisions.md), in a Set for constant-time look-up.
 * Built once, on first use (about 1 MB of strings).
 */
let shared: CommonPasswords | null = null;

export function commonPasswordList(): CommonPasswords {
  if (shared === null) {
    const list = new Set(dictionary["passwords-common"].map((password) => password.toLowerCase()));
    shared = { includes: (password: string): boolean => list.has(password) };
  }
  return shared;
}
