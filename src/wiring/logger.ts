import { pino } from "pino";
import type { DestinationStream, Logger } from "pino";
import type { Config } from "../config.ts";
import { createNonBlockingDestination } from "../adapters/log/non-blocking-destination.ts";

/** Redacted wherever they appear in a log line: secrets never reach the log. */
export const LOG_REDACT_PATHS = [
  "req.headers.cookie",
  "req.headers.authorization",
  'res.headers["set-cookie"]',
  "*.password",
  "*.code",
  "*.token",
  "*.preauthToken",
  "*.sessionToken",
  "*.currentPassword",
  "*.newPassword",
  "*.resetToken",
  "*.deviceToken",
  // The trading PIN (issue 13 §4) and a confirmation's PIN.
  "*.pin",
  "*.currentPin",
  "*.newPin",
  // The console's TOTP code, an operator's secret, WebAuthn answers and key material.
  "*.totp",
  "*.totpSecret",
  "*.response",
  "*.passkeyResponse",
  "*.pem",
];

/** What a log line's `req` needs of a request (fastify's request, or Node's for a line logged before routing). */
interface LoggedRequest {
  method?: string;
  url?: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number } | null;
}

/**
 * A request in a log line: method, path, host, client address and port (`ip`, so
 * TRUST_PROXY applies; with the port, what identifies a customer behind carrier NAT).
 * The path is logged without its query string: a query can carry personal data (the
 * console's search by e-mail address is a GET `?q=`), and the audit log keeps what matters.
 * Replaces fastify's own `req` serializer, which logs the whole URL.
 */
export function requestLogValue(request: LoggedRequest): Record<string, unknown> {
  const url = request.url ?? "";
  const queryAt = url.indexOf("?");
  return {
    method: request.method,
    url: queryAt === -1 ? url : url.slice(0, queryAt),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}

/**
 * JSON logs with secrets redacted; `destination` defaults to stdout, written so that a
 * reader who stops reading never blocks the service (non-blocking-destination.ts).
 */
export function createLogger(config: Readonly<Config>, destination?: DestinationStream): Logger {
  const options = { level: config.logLevel, redact: { paths: LOG_REDACT_PATHS, censor: "[redacted]" }, serializers: { req: requestLogValue } };
  if (destination !== undefined) {
    return pino(options, destination);
  }
  let logger: Logger | null = null;
  const stdout = createNonBlockingDestination(process.stdout, {
    onRecovered: (dropped) => logger?.warn({ droppedLines: dropped }, "log output was not read; lines dropped"),
  });
  logger = pino(options, stdout);
  return logger;
}
