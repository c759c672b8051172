import { LogController } from "fastify";
import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from "fastify";

// pino's level numbers, to ask whether a request's logger writes at info (a route may say "warn").
const LEVEL_NUMBER: Record<string, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 };
const INFO = 30;

/**
 * One access-log line per request at info, when its answer has gone out: method,
 * path, client address, status and time. Fastify's default logs a second line as
 * each request arrives; at the 9:00 storm that line was a measurable share of the
 * event loop (docs/performance.md), so it is kept at debug (LOG_LEVEL=debug shows
 * requests that never finish). URLs carry no secrets here: passwords, codes and
 * tokens travel only in bodies and cookies; the query string is left out all the same
 * (a console search by address is a GET `?q=`).
 *
 * `req` is the request itself: the logger's `req` serializer (`requestLogValue` in
 * src/wiring/logger.ts) reads it into method, path (no query), host, remoteAddress
 * (`request.ip`, so TRUST_PROXY applies) and remotePort (with the address, what
 * identifies a customer behind carrier NAT). Handed a plain object of our own, the
 * serializer found no `.ip` and the address fell out of every line.
 *
 * The completed line is written through a child of the app's logger without redaction
 * (issue 23): every field of it is one of those above, none can hold a secret, and pino's
 * redaction (its paths parsed again for every key of every line) was a tenth of a login
 * page's CPU. The bytes written are the same as through the request's own logger: the
 * request ID first, under the same label, then the same fields
 * (test/http/request-log.access-line.test.ts). An errored request's line, which carries
 * the error, stays on the redacting logger.
 */
export class AccessLog extends LogController {
  private readonly lines: FastifyBaseLogger;

  constructor(logger: FastifyBaseLogger) {
    super();
    this.lines = logger.child({}, { redact: { paths: [] } });
  }

  override incomingRequest(request: FastifyRequest): void {
    request.log.debug({ req: request }, "incoming request");
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (error) {
      reply.log.error({ req: request, res: { statusCode: reply.statusCode }, responseTime: reply.elapsedTime, err: error }, "request errored");
      return;
    }
    // The request's logger decides, as before: LOG_LEVEL, or a quiet route's own level (/healthz at warn).
    if ((LEVEL_NUMBER[reply.log.level] ?? Number.POSITIVE_INFINITY) > INFO) {
      return;
    }
    this.lines.info({ [this.requestIdLogLabel]: request.id, req: request, res: { statusCode: reply.statusCode }, responseTime: reply.elapsedTime }, "request completed");
  }
}
