import type { FastifyRequest } from "fastify";
import type { RequestContext } from "../core/request-context.ts";

const MAX_USER_AGENT_LENGTH = 512;

/** IP and User-Agent as recorded and mailed: bounded, and without control characters. */
export function contextOf(request: FastifyRequest): RequestContext {
  const userAgent = request.headers["user-agent"];
  return {
    requestId: request.id,
    ip: request.ip,
    userAgent: (typeof userAgent === "string" ? userAgent : "").replace(/[\u0000-\u001F\u007F]/gu, " ").slice(0, MAX_USER_AGENT_LENGTH),
  };
}
