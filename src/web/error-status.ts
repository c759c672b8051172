import type { FastifyReply } from "fastify";
import type { AuthError } from "../core/errors.ts";
import { ServiceBusyError, TooManyRequestsError } from "../core/errors.ts";

/** The HTTP status for each error code: decided here, never in the core. */
const STATUS_BY_CODE: Record<string, number> = {
  "4000": 400,
  "4010": 401,
  "4030": 403,
  "4040": 404,
  "5101": 401,
  "5102": 423,
  "5121": 401,
  "5122": 401,
  "5123": 401,
  "5124": 429,
};

export function httpStatusOf(error: AuthError): number {
  if (error instanceof ServiceBusyError) {
    // The server is full, not the client too fast.
    return 503;
  }
  return STATUS_BY_CODE[error.code] ?? 400;
}

/** Sets the status (and Retry-After for 429/503) of a refused request; returns the status. */
export function applyErrorStatus(reply: FastifyReply, error: AuthError): number {
  const status = httpStatusOf(error);
  if (error instanceof TooManyRequestsError) {
    reply.header("retry-after", String(error.retryAfterSeconds));
  }
  reply.code(status);
  return status;
}
