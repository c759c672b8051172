import { isIP } from "node:net";
import type { FastifyRequest } from "fastify";
import type { RequestContext } from "../../core/kernel/request-context.ts";

const MAX_USER_AGENT_LENGTH = 512;

/**
 * Stands for a client address that is not an IP address: behind TRUST_PROXY, the
 * address is whatever the proxy's X-Forwarded-For says, and it must never carry
 * other text into the audit log, the rate-limit keys or a mail.
 */
export const UNKNOWN_IP = "unknown";

/** IP and User-Agent as recorded and mailed: bounded, and without control characters. */
export function contextOf(request: FastifyRequest): RequestContext {
  const userAgent = request.headers["user-agent"];
  // Read once: behind TRUST_PROXY each read of request.ip parses X-Forwarded-For and the proxies' addresses again.
  const ip = request.ip;
  return {
    requestId: request.id,
    ip: isIP(ip) === 0 ? UNKNOWN_IP : ip,
    userAgent: (typeof userAgent === "string" ? userAgent : "").replace(/[\u0000-\u001F\u007F]/gu, " ").slice(0, MAX_USER_AGENT_LENGTH),
  };
}
