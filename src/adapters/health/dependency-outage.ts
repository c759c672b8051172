/**
 * Whether an error means a dependency (PostgreSQL, Redis) cannot be reached right
 * now, rather than a bug: the request then answers 503 [5000] and the client may
 * retry (issue 17 §1, §4). Decided here because only the adapters know their
 * drivers' errors; the web layer decides the status.
 */
export function isDependencyOutage(error: unknown): boolean {
  // The driver's error may be the cause of another (kysely, a wrapper of ours).
  for (let depth = 0, current = error; depth < 5 && current instanceof Error; depth += 1) {
    if (isOutageError(current)) {
      return true;
    }
    current = current.cause;
  }
  return false;
}

// Socket-level: the server refused, reset, or did not answer in time.
const SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN"]);

// PostgreSQL SQLSTATEs: class 08 (connection exception), 57P01–57P03 (the server is
// shutting down, crashed or not yet accepting connections), 53300 (too many connections).
const POSTGRES_OUTAGE_STATE = /^(?:08[0-9A-Z]{3}|57P0[1-3]|53300)$/u;

// Messages of pg, pg-pool and ioredis that carry no code.
const OUTAGE_MESSAGES = [
  /^Connection terminated/u, // pg: "Connection terminated unexpectedly" / "… due to connection timeout"
  /^Client has encountered a connection error and is not queryable/u, // pg
  /^Client was closed and is not queryable/u, // pg
  /^timeout exceeded when trying to connect/u, // pg-pool: no connection within connectionTimeoutMillis
  /^Command timed out/u, // ioredis commandTimeout
  /^Connection is closed\./u, // ioredis
  /^Stream isn't writeable and enableOfflineQueue options is false/u, // ioredis while reconnecting
  /^Reached the max retries per request limit/u, // ioredis MaxRetriesPerRequestError
];

function isOutageError(error: Error): boolean {
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && (SOCKET_CODES.has(code) || POSTGRES_OUTAGE_STATE.test(code))) {
    return true;
  }
  if (error.name === "MaxRetriesPerRequestError") {
    return true;
  }
  return OUTAGE_MESSAGES.some((pattern) => pattern.test(error.message));
}
