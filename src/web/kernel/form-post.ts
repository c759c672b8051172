import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { requireBodyType } from "./content-type.ts";
import { requireCsrfToken } from "./csrf.ts";

/**
 * The route options of every HTML form post: the media type first (415), then the CSRF
 * token, which the parsed form carries (DESIGN §4).
 */
export function formPostOptions(app: FastifyInstance): { preHandler: Array<(request: FastifyRequest, reply: FastifyReply) => Promise<void>> } {
  return { preHandler: [requireBodyType("application/x-www-form-urlencoded"), requireCsrfToken(app)] };
}
