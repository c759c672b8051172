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

/**
 * JSON logs with secrets redacted; `destination` defaults to stdout, written so that a
 * reader who stops reading never blocks the service (non-blocking-destination.ts).
 */
export function createLogger(config: Readonly<Config>, destination?: DestinationStream): Logger {
  const options = { level: config.logLevel, redact: { paths: LOG_REDACT_PATHS, censor: "[redacted]" } };
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
