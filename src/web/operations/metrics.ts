import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyRequest } from "fastify";
import type { WebScope } from "../kernel/plugin.ts";

/** What /metrics serves; prom-client's Registry is one. */
export interface MetricsSource {
  readonly contentType: string;
  metrics(): Promise<string>;
}

/**
 * Prometheus metrics, for the scraper only (README: not on the public listener).
 * With METRICS_TOKEN set, a scrape must bring it as a bearer token.
 */
export function registerMetrics(app: WebScope, source: MetricsSource, token: string | null): void {
  // Scraped every few seconds: only problems are worth a log line.
  app.get("/metrics", { logLevel: "warn" }, async (request, reply) => {
    if (token !== null && !bearerMatches(request, token)) {
      return reply.code(401).header("www-authenticate", 'Bearer realm="metrics"').send({ status: "unauthorized" });
    }
    const text = await source.metrics();
    return reply.type(source.contentType).send(text);
  });
}

function bearerMatches(request: FastifyRequest, token: string): boolean {
  const header = request.headers.authorization ?? "";
  const given = header.startsWith("Bearer ") ? header.slice("Bearer ".length) : "";
  // Digests first: equal lengths for timingSafeEqual, and no hint of the token's length.
  return timingSafeEqual(digest(given), digest(token));
}

function digest(value: string): Buffer {
  return createHash("sha256").update(value, "utf8").digest();
}
