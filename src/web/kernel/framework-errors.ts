import { STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import { AuthError, InvalidInputError } from "../../core/kernel/errors.ts";

/** What a refused request shows: the error, and the status when it is not the error code's own (413, 415). */
export interface RefusalOf {
  error: AuthError;
  status?: number;
}

/**
 * The one mapping of errors to refusals, for the app's error handler and the console pages' alike:
 * an AuthError as it is; an error of the framework's below 500 (a path or query parameter its
 * schema refused, the content-type parser, a body too large, broken JSON, a URL that does not
 * decode) or of our checks shaped like one (`frameworkRefusal`) as [4000] with its own status;
 * null for anything else, which the app's handler logs and answers [5000] (or 503 in an outage).
 */
export function refusalOf(error: unknown): RefusalOf | null {
  if (error instanceof AuthError) {
    return { error };
  }
  const { statusCode, code } = (typeof error === "object" && error !== null ? error : {}) as { statusCode?: unknown; code?: unknown };
  if (typeof statusCode === "number" && statusCode >= 400 && statusCode < 500) {
    return { error: new InvalidInputError(typeof code === "string" ? code : "framework error"), status: statusCode };
  }
  return null;
}

/**
 * An error our own checks before a handler raise (a form field that does not decode, a body of a
 * media type the route does not take), shaped like fastify's own so `refusalOf` shows it as [4000]
 * with this status.
 */
export function frameworkRefusal(message: string, statusCode: number, code: string): Error {
  return Object.assign(new Error(message), { statusCode, code });
}

const CLIENT_ERROR_STATUS: Record<string, number> = {
  HPE_HEADER_OVERFLOW: 431,
  ERR_HTTP_REQUEST_TIMEOUT: 408,
};

/**
 * Requests Node's HTTP parser refuses (headers over 16 KiB, NUL or CR in a header, a broken
 * request line) never become a request: fastify's default client-error handler, with the body
 * in our error shape. There is no request yet (no URL, no Accept-Language), so it is always
 * JSON in Japanese.
 */
export function sendClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === "ECONNRESET" || socket.destroyed) {
    return;
  }
  const status = CLIENT_ERROR_STATUS[error.code ?? ""] ?? 400;
  const shown = new InvalidInputError(error.code ?? "client error");
  const body = JSON.stringify({ error: { code: shown.code, message: shown.publicMessage.ja } });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? "Bad Request"}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
