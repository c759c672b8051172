import { LogController } from "fastify";
import type { FastifyReply, FastifyRequest } from "fastify";

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
 */
export class AccessLog extends LogController {
  override incomingRequest(request: FastifyRequest): void {
    request.log.debug({ req: request }, "incoming request");
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const line = {
      req: request,
      res: { statusCode: reply.statusCode },
      responseTime: reply.elapsedTime,
    };
    if (error) {
      reply.log.error({ ...line, err: error }, "request errored");
    } else {
      reply.log.info(line, "request completed");
    }
  }
}
