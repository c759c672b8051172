import type { AuthError } from "../core/errors.ts";

/** The HTTP status for each error code: decided here, never in the core. */
const STATUS_BY_CODE: Record<string, number> = {
  "4000": 400,
  "4010": 401,
  "5101": 401,
  "5102": 423,
  "5121": 401,
  "5122": 401,
  "5123": 401,
  "5124": 429,
};

export function httpStatusOf(error: AuthError): number {
  return STATUS_BY_CODE[error.code] ?? 400;
}
