import type { FastifyRequest } from "fastify";
/**
 * A preHandler that refuses a body of any other media type with 415: the pages
 * take only forms, the API only JSON. Runs after parsing, so broken JSON is
 * still a 400 from the parser.
 */
export function requireBodyType(mediaType: "application/x-www-form-urlencoded" | "application/json") {
  return async function checkBodyType(request: FastifyRequest): Promise<void> {
    const declared = String(request.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
    if (request.body !== undefined && declared !== mediaType) {
      // Shaped like a Fastify error: the error handler shows it as [4000] with this status.
      throw Object.assign(new Error(`body must be ${mediaType}, got ${declared.slice(0, 100) || "none"}`), { statusCode: 415, code: "UNSUPPORTED_MEDIA_TYPE" });
    }
  };
}
