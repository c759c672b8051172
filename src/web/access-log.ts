import { LogController } from "fastify";
import type { FastifyReply, FastifyRequest } from "fastify";

/**
 * One access-log line per request at info, when its answer has gone out: method,
 * path, client address, status and time. Fastify's default logs a second line as
 * each request arrives; at the 9:00 storm that line was a measurable share of the
 * event loop (docs/performance.md), so it is kept at debug (LOG_LEVEL=debug shows
 * requests that never finish). URLs carry no secrets here: passwords, codes and
 * tokens travel only in bodies and cookies.
 */
function requestFields(request: FastifyRequest): { method: string; url: string; remoteAddress: string } {
  return { method: request.method, url: request.url, remoteAddress: request.ip };
}

export class AccessLog extends LogController {
  override incomingRequest(request: FastifyRequest): void {
    request.log.debug({ req: requestFields(request) }, "incoming request");
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const line = {
      req: requestFields(request),
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
