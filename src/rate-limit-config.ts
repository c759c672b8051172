import { z } from "zod";
import type { RateLimitName, RateRule } from "./core/kernel/limits.ts";
import { DEFAULT_RATE_LIMITS } from "./core/kernel/limits.ts";

// The rate limits' variables (RATE_LIMIT_*), read by config.ts with the rest of the environment.

/** `RATE_LIMIT_PASSWORD_PER_IP=300/300`: at most 300 requests per 300-second window. */
const rateRule = (fallback: RateRule) =>
  z
    .string()
    .regex(/^[1-9][0-9]{0,6}\/[1-9][0-9]{0,5}$/, "must be MAX/WINDOW_SECONDS, e.g. 5/900")
    .transform((value): RateRule => {
      const [max, windowSeconds] = value.split("/").map(Number);
      return { max: max ?? fallback.max, windowSeconds: windowSeconds ?? fallback.windowSeconds };
    })
    .default(fallback);

const RATE_LIMIT_VARIABLES: Record<RateLimitName, string> = {
  passwordPerIp: "RATE_LIMIT_PASSWORD_PER_IP",
  passwordPerLoginId: "RATE_LIMIT_PASSWORD_PER_LOGIN_ID",
  codeMailsPerCustomer: "RATE_LIMIT_CODE_MAILS_PER_CUSTOMER",
  codePerChallenge: "RATE_LIMIT_CODE_PER_CHALLENGE",
  codePerCustomer: "RATE_LIMIT_CODE_PER_CUSTOMER",
  codePerIp: "RATE_LIMIT_CODE_PER_IP",
  passkeyPerIp: "RATE_LIMIT_PASSKEY_PER_IP",
  passkeyPerCustomer: "RATE_LIMIT_PASSKEY_PER_CUSTOMER",
};

/** The variables' schema, spread into config.ts's. */
export const RATE_LIMIT_ENV_SHAPE = {
  RATE_LIMIT_PASSWORD_PER_IP: rateRule(DEFAULT_RATE_LIMITS.passwordPerIp),
  RATE_LIMIT_PASSWORD_PER_LOGIN_ID: rateRule(DEFAULT_RATE_LIMITS.passwordPerLoginId),
  RATE_LIMIT_CODE_MAILS_PER_CUSTOMER: rateRule(DEFAULT_RATE_LIMITS.codeMailsPerCustomer),
  RATE_LIMIT_CODE_PER_CHALLENGE: rateRule(DEFAULT_RATE_LIMITS.codePerChallenge),
  RATE_LIMIT_CODE_PER_CUSTOMER: rateRule(DEFAULT_RATE_LIMITS.codePerCustomer),
  RATE_LIMIT_CODE_PER_IP: rateRule(DEFAULT_RATE_LIMITS.codePerIp),
  RATE_LIMIT_PASSKEY_PER_IP: rateRule(DEFAULT_RATE_LIMITS.passkeyPerIp),
  RATE_LIMIT_PASSKEY_PER_CUSTOMER: rateRule(DEFAULT_RATE_LIMITS.passkeyPerCustomer),
};

/** Each limit by name, from the parsed variables. */
export function rateLimitSettings(parsed: { [Variable in keyof typeof RATE_LIMIT_ENV_SHAPE]: RateRule }): Record<RateLimitName, RateRule> {
  return Object.fromEntries(Object.entries(RATE_LIMIT_VARIABLES).map(([name, variable]) => [name, parsed[variable as keyof typeof RATE_LIMIT_ENV_SHAPE]])) as Record<RateLimitName, RateRule>;
}
