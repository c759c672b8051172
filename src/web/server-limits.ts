import type { ServerOptions } from "node:http";
import type { FastifyInstance } from "fastify";
import type { Config } from "../config.ts";

// Node checks the request and header timeouts only at this interval (its default, 30 s,
// would let a 20 s request timeout run to 50 s). A pass over the open connections is cheap.
const TIMEOUT_CHECK_INTERVAL_MS = 1000;

/** The part of fastify's options (and, under `http`, Node's server options) set here. */
export interface ServerLimitOptions {
  requestTimeout: number;
  keepAliveTimeout: number;
  http: ServerOptions;
}

/**
 * Fastify's defaults let a client hold a connection for ever: no request timeout,
 * so a body sent one byte every ten seconds never ends, and a thousand of them use up
 * the file descriptors (security review: /healthz stopped answering). Here:
 * - the whole request, headers and body, must arrive within REQUEST_TIMEOUT_SECONDS,
 *   else 408 and the connection closes (Node cuts slow headers the same way);
 * - an idle keep-alive connection closes after KEEP_ALIVE_TIMEOUT_SECONDS.
 * `connectionTimeout` (socket inactivity) stays off: a login queued behind the hash
 * gate is slow through no fault of its client, and the request timeout covers clients.
 */
export function serverLimitOptions(limits: Config["http"]): ServerLimitOptions {
  const requestTimeoutMs = limits.requestTimeoutSeconds * 1000;
  return {
    requestTimeout: requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutSeconds * 1000,
    http: {
      // Headers are part of the request: no longer than the whole of it (Node's own 60 s would be).
      // An idle keep-alive connection is not on this clock (Node ≥ 18): it starts at a request's first byte.
      headersTimeout: requestTimeoutMs,
      connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS,
    },
  };
}

/**
 * At most MAX_CONNECTIONS sockets at once; Node closes any connection beyond it as
 * it arrives. Without a cap, slow clients take every file descriptor and the service
 * can no longer open a database, Redis or SMTP connection, nor accept anyone;
 * with it, what is left over keeps the requests in hand working, and the request
 * timeout frees the slots within seconds.
 */
export function capConnections(app: FastifyInstance, limits: Config["http"]): void {
  app.server.maxConnections = limits.maxConnections;
}
