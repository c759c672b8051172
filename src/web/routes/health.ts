import type { FastifyInstance } from "fastify";
import type { WebDeps } from "../app.ts";

export function registerHealth(app: FastifyInstance, deps: Pick<WebDeps, "checkReady">): void {
  app.get("/healthz", async () => ({ status: "ok" }));
  app.get("/readyz", async (_request, reply) => {
    try {
      await deps.checkReady();
      return { status: "ok" };
    } catch {
      return reply.code(503).send({ status: "unavailable" });
    }
  });
}
