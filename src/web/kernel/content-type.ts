import type { FastifyReply, FastifyRequest } from "fastify";
import { requireCsrfToken } from "./csrf.ts";
import type { CsrfCheck } from "./csrf.ts";
import { frameworkRefusal } from "./framework-errors.ts";

/**
 * A preHandler that refuses a body of any other media type with 415: the pages
 * take only forms, the API only JSON. Runs after parsing, so broken JSON is
 * still a 400 from the parser.
 */
export function requireBodyType(mediaType: "application/x-www-form-urlencoded" | "application/json") {
  return async function checkBodyType(request: FastifyRequest): Promise<void> {
    const declared = String(request.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
    if (request.body !== undefined && declared !== mediaType) {
      throw frameworkRefusal(`body must be ${mediaType}, got ${declared.slice(0, 100) || "none"}`, 415, "UNSUPPORTED_MEDIA_TYPE");
    }
  };
}

/** The JSON APIs' bodies: application/json only (a route group's first preHandler). */
export const jsonOnly = requireBodyType("application/json");

/**
 * The route options of every HTML form post: the media type first (415), then the CSRF
 * token, which the parsed form carries (DESIGN §4).
 */
export function formPostOptions(app: CsrfCheck): { preHandler: Array<(request: FastifyRequest, reply: FastifyReply) => Promise<void>> } {
  return { preHandler: [requireBodyType("application/x-www-form-urlencoded"), requireCsrfToken(app)] };
}
