import type { FastifyReply } from "fastify";
import type { AuthError, ErrorCode } from "../../core/kernel/errors.ts";
import { RetryLaterError, TooManyRequestsError } from "../../core/kernel/retry-later-errors.ts";

/**
 * The HTTP status for each error code: decided here, never in the core. Keyed by the
 * closed `ErrorCode` union, so a new code does not compile until it has a status; the
 * README's error table is checked against this one (test/unit/error-codes.readme.test.ts).
 */
export const HTTP_STATUS_BY_CODE: Record<ErrorCode, number> = {
  "4000": 400,
  "4010": 401,
  "4030": 403,
  "4031": 403,
  "4040": 404,
  "5000": 500,
  "5101": 401,
  "5102": 423,
  "5103": 423,
  "5104": 403,
  "5121": 401,
  "5122": 401,
  "5123": 401,
  "5124": 429,
  "5125": 429,
  // Recovery by emailed code held after a 重要メール change (core/kernel/email-hold.ts).
  "5126": 403,
  "5131": 422,
  // The trading PIN (core/trading-pin/trading-pin-errors.ts).
  "5141": 409,
  "5142": 401,
  "5143": 423,
  "5144": 422,
  "5145": 409,
  "5146": 403,
  "5161": 401,
};

export function httpStatusOf(error: AuthError): number {
  if (error instanceof TooManyRequestsError && error.serverBusy) {
    // The server is full, not the client too fast.
    return 503;
  }
  return HTTP_STATUS_BY_CODE[error.code];
}

/** Sets the status (and Retry-After for 429/503) of a refused request; returns the status. */
export function applyErrorStatus(reply: FastifyReply, error: AuthError, options?: { status?: number }): number {
  const status = options?.status ?? httpStatusOf(error);
  if (error instanceof RetryLaterError) {
    reply.header("retry-after", String(error.retryAfterSeconds));
  }
  reply.code(status);
  return status;
}
