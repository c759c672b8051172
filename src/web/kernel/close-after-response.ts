import type { FastifyInstance } from "fastify";

/**
 * Graceful shutdown: once the app is closing, every response (those still in
 * flight) says `Connection: close`, so its keep-alive socket ends with it. Node
 * closes only the sockets idle at the moment of close; without this a socket that
 * answered later would hold the shutdown open for the keep-alive timeout (KEEP_ALIVE_TIMEOUT_SECONDS).
 */
export function addCloseAfterResponseOnShutdown(app: FastifyInstance): void {
  let closing = false;
  app.addHook("preClose", async () => {
    closing = true;
  });
  app.addHook("onSend", async (_request, reply) => {
    if (closing) {
      reply.header("connection", "close");
    }
  });
}
