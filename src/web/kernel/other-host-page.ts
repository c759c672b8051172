import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Brand } from "../../core/kernel/brand.ts";
import { detectLang } from "./i18n.ts";
import { renderPage } from "./render.ts";

// Routes that are no page a person opens: the APIs, health and metrics, files, JSON.
const NOT_PAGES = [/^\/api\//, /^\/console\/api\//, /^\/static\//, /^\/console\/static\//, /^\/\.well-known\//, /^\/(healthz|readyz|metrics)$/, /\.json$/, /^\/oidc\/(jwks|me)$/];

/**
 * Issue 21, item 8: a page opened by another host name than `origin`'s (PUBLIC_URL, or
 * CONSOLE_PUBLIC_URL on the console's listener) — 127.0.0.1 for localhost — showed, and then
 * every form on it answered [4030], since the browser's Origin is not ours (origin-check.ts).
 * Such a GET of a page now answers 421 with a short page naming the address to use: the same
 * page at `origin`. Only a route that exists and is a page; the host names compared without the
 * port (a proxy's `Host: $host` drops it), and `request.hostname` reads X-Forwarded-Host only
 * from a TRUST_PROXY proxy. The request's host is never written into the page (attacker text).
 */
export function addOtherHostPage(app: FastifyInstance, origin: string, brand: Brand): void {
  const own = new URL(origin);
  let warned = false;
  app.addHook("onRequest", async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    if (!isPageRequest(request)) {
      return undefined;
    }
    const host = request.hostname.toLowerCase();
    if (host === "" || host === own.hostname) {
      return undefined;
    }
    if (!warned) {
      warned = true;
      // Once: behind a proxy that does not pass the Host header, every page would answer this.
      request.log.warn({ publicUrl: own.origin }, "a page was asked for under another host name than the public URL's; answered with a link to it (behind a proxy, pass the Host header)");
    }
    const lang = detectLang(request);
    const path = request.url.split("?")[0] ?? "/";
    const target = `${own.origin}${path}${lang === "en" ? "?lang=en" : ""}`;
    return renderPage(reply, "other-host", { lang, brand }, { publicUrl: target }, 421);
  });
}

/** A GET (or HEAD) of a route that exists and is a page. */
function isPageRequest(request: FastifyRequest): boolean {
  if (request.method !== "GET" && request.method !== "HEAD") {
    return false;
  }
  const route = request.routeOptions.url;
  return route !== undefined && !NOT_PAGES.some((pattern) => pattern.test(route));
}
