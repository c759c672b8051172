import type { FastifyInstance } from "fastify";

/**
 * DESIGN §4, strict security headers, the same on every response: a CSP without inline
 * script (an injected <script> does not run) that also forbids framing, forms posting
 * elsewhere, <base> and plugins; no MIME sniffing; no Referer to other sites; HSTS on a
 * https origin. These are, value for value and in helmet's order, the headers helmet 8
 * set with the options this app gave it (test/http/security-headers.test.ts runs helmet
 * with those options and compares every kind of answer). Nothing in them varies by
 * request, and @fastify/helmet built helmet's middleware again for each request (the CSP
 * parsed each time): a tenth of a login page's CPU (issue 23). helmet also removed
 * X-Powered-By, which Node never sets.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "object-src 'none'",
].join(";");

/** Every response's security headers, for a listener whose public address is `origin`. */
export function securityHeaders(origin: string): ReadonlyArray<readonly [string, string]> {
  return [
    ["Content-Security-Policy", CONTENT_SECURITY_POLICY],
    ["Cross-Origin-Opener-Policy", "same-origin"],
    ["Cross-Origin-Resource-Policy", "same-origin"],
    ["Origin-Agent-Cluster", "?1"],
    // Not "no-referrer": under it a browser sends `Origin: null` on our own form posts,
    // which the origin check must refuse. "same-origin" still tells other sites nothing.
    ["Referrer-Policy", "same-origin"],
    // HSTS only where it can hold: a https origin.
    ...(origin.startsWith("https://") ? [["Strict-Transport-Security", "max-age=31536000; includeSubDomains"] as const] : []),
    ["X-Content-Type-Options", "nosniff"],
    ["X-DNS-Prefetch-Control", "off"],
    ["X-Download-Options", "noopen"],
    ["X-Frame-Options", "DENY"],
    ["X-Permitted-Cross-Domain-Policies", "none"],
    ["X-XSS-Protection", "0"],
  ];
}

/**
 * The security headers on every response, set as the request arrives (an onRequest hook,
 * so a refusal by a later hook carries them too), on the raw response as helmet did: an
 * answer our code writes itself (the OpenID Provider's, a hijacked reply) has them as well.
 */
export function addSecurityHeaders(app: FastifyInstance, origin: string): void {
  const headers = securityHeaders(origin);
  app.addHook("onRequest", (_request, reply, done) => {
    const raw = reply.raw;
    for (const [name, value] of headers) {
      raw.setHeader(name, value);
    }
    done();
  });
}

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
