import type { FastifyInstance } from "fastify";

/**
 * DESIGN §4: nothing a login or the customer area answers may sit in a browser or
 * proxy cache (a shared PC's back button, a company proxy). So every response is
 * `Cache-Control: no-store` unless its route chose otherwise (the stylesheet).
 * As an onSend hook it covers redirects, error pages and 404s too.
 */
export function addNoStoreByDefault(app: FastifyInstance): void {
  app.addHook("onSend", async (_request, reply, payload) => {
    if (!reply.hasHeader("cache-control")) {
      reply.header("cache-control", "no-store");
    }
    return payload;
  });
}
