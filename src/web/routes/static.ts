import { readFileSync } from "node:fs";
import type { FastifyInstance } from "fastify";

// One stylesheet, read once; not worth a static-file plugin.
const STYLE = readFileSync(new URL("../static/style.css", import.meta.url));

export function registerStatic(app: FastifyInstance): void {
  app.get("/static/style.css", async (_request, reply) => {
    return reply.type("text/css; charset=utf-8").header("cache-control", "public, max-age=3600").send(STYLE);
  });
}
