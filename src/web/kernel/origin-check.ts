import type { FastifyInstance, FastifyRequest } from "fastify";
import { RequestRefusedError } from "../../core/kernel/errors.ts";

const SAFE_METHODS = new Set(["GET", "HEAD"]);
// `none`: the person started the request (typed address, bookmark), no page did.
const ALLOWED_FETCH_SITES = new Set(["same-origin", "none"]);

/**
 * DESIGN §4: every state-changing request (anything but GET/HEAD, pages and
 * /api/v1 alike) must come from our own origin. Browsers send `Origin` on every
 * POST and `Sec-Fetch-Site` on every request, so a page elsewhere, including a
 * sibling subdomain that SameSite=Lax would let through, is refused here, before
 * the body is read. A request with neither header is no browser's (the smartphone
 * app, curl) and passes this check; the pages' CSRF token still applies to it.
 */
export function addOriginCheck(app: FastifyInstance, publicUrl: string): void {
  const ownOrigin = new URL(publicUrl).origin;
  app.addHook("onRequest", async (request: FastifyRequest): Promise<void> => {
    if (SAFE_METHODS.has(request.method)) {
      return;
    }
    const origin = request.headers.origin;
    if (origin !== undefined && origin !== ownOrigin) {
      throw crossOrigin(`Origin ${origin.slice(0, 100)}`);
    }
    const site = request.headers["sec-fetch-site"];
    if (site !== undefined && !ALLOWED_FETCH_SITES.has(site)) {
      throw crossOrigin(`Sec-Fetch-Site ${site.slice(0, 20)}`);
    }
  });
}

function crossOrigin(what: string): RequestRefusedError {
  return new RequestRefusedError(`cross-origin request refused: ${what}`);
}
