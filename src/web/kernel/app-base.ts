import { randomUUID } from "node:crypto";
import Fastify from "fastify";
import type { FastifyBaseLogger, FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import cookie from "@fastify/cookie";
import formbody from "@fastify/formbody";
import type { Config } from "../../config.ts";
import { InternalError, NotFoundError } from "../../core/kernel/errors.ts";
import type { AuthError } from "../../core/kernel/errors.ts";
import { refuse } from "./refusal.ts";
import type { Refusal } from "./refusal.ts";
import { detectLang, rememberLang, useTexts } from "./i18n.ts";
import type { TextTable } from "./i18n.ts";
import { refusalOf, sendClientError } from "./framework-errors.ts";
import { renderPage } from "./render.ts";
import { parseFormStrictly } from "./strict-form.ts";
import { AccessLog } from "./access-log.ts";
import { registerCsrf } from "./csrf.ts";
import { addOriginCheck } from "./origin-check.ts";
import { addOtherHostPage } from "./other-host-page.ts";
import { checkParametersOfEveryRoute } from "./route-parameters.ts";
import { addNoStoreByDefault, addSecurityHeaders } from "./response-headers.ts";
import { addCloseAfterResponseOnShutdown } from "./close-after-response.ts";
import { capConnections, serverLimitOptions } from "./server-limits.ts";

/** What the shared setup needs. */
export interface BaseOptions {
  config: Readonly<Config>;
  logger: FastifyBaseLogger;
  /** Whether an unexpected error means the database or Redis cannot be reached now (answered 503 [5000], not 500). */
  isDependencyOutage: (error: unknown) => boolean;
  /** The customers' UI text (src/web/ui-text.ts), which `t` and the views read. */
  texts: TextTable;
}

// While the database or Redis is away (a failover takes seconds): when to try again.
const OUTAGE_RETRY_AFTER_SECONDS = 5;

// Login forms are tiny; a big body is an attack or a mistake.
const BODY_LIMIT_BYTES = 16 * 1024;

/**
 * A fastify app with everything but routes, the same for the public listener and the
 * console's own (CONSOLE_LISTEN): server limits, access log, request IDs, trusted proxies,
 * cookies, CSRF, security headers, no-store, the origin check against `origin`
 * (PUBLIC_URL or CONSOLE_PUBLIC_URL), and the one error and not-found handler.
 */
export async function buildBaseApp(deps: BaseOptions, origin: string, options: { connectionsPerAddress?: "limited" | "off" } = {}): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger,
    bodyLimit: BODY_LIMIT_BYTES,
    // Slow or idle clients cannot hold connections for ever (security review).
    ...serverLimitOptions(deps.config.http),
    logController: new AccessLog(deps.logger),
    // Our own ID per request, never the client's header.
    requestIdHeader: false,
    // Unique across instances, so an audit event can be traced to its log lines.
    genReqId: () => randomUUID(),
    // TRUST_PROXY: behind a load balancer, request.ip (audit log, code mail, rate
    // limits) is the client's address from X-Forwarded-For, not the proxy's.
    trustProxy: trustProxyOption(deps.config.trustProxy),
    // A URL that does not decode ('/login/%ZZ') is refused by the router before any
    // handler; without this it answers in Fastify's own shape, not ours.
    frameworkErrors: (error, request, reply) => {
      // No hooks run on this path (security headers, no-store): give the refusal the essentials by hand.
      reply.headers({
        "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
        "x-content-type-options": "nosniff",
        "x-frame-options": "DENY",
        "cache-control": "no-store",
      });
      sendError(deps, error, request, reply);
    },
    // Requests Node's HTTP parser refuses (headers over 16 KiB, NUL or CR in a header,
    // a broken request line) never become a request; answer them in our shape too.
    clientErrorHandler: sendClientError,
  });
  useTexts(deps.texts);
  // First: whatever refuses the request below answers in the reader's language.
  rememberLang(app);
  capConnections(app, deps.config, { perAddress: options.connectionsPerAddress ?? "limited" });

  await app.register(cookie);
  await registerCsrf(app);
  await app.register(formbody, { parser: parseFormStrictly });
  addSecurityHeaders(app, origin);
  addNoStoreByDefault(app);
  addCloseAfterResponseOnShutdown(app);
  // An onRequest hook, after the security headers' so its refusal carries them too; runs before any body is read.
  addOriginCheck(app, origin);
  // A GET of a page under another host name: which address to use, before the forms on it fail.
  addOtherHostPage(app, origin, deps.config.brand);
  // Path and query parameters: control characters refused here (issue 17 item 13), the rest by each route's schema.
  checkParametersOfEveryRoute(app);

  app.setErrorHandler((error: FastifyError | AuthError, request, reply) => sendError(deps, error, request, reply));
  app.setNotFoundHandler((request, reply) => sendError(deps, new NotFoundError(`${request.method} ${request.url.slice(0, 200)}`), request, reply));
  return app;
}


/**
 * Fastify takes `true`, addresses and CIDRs as they are; a bare number it treats as
 * "trust nobody" (its types leave it out). A hop count here means what it means in
 * Express: believe the nearest `hops` proxies whatever their address, which holds
 * only when nothing reaches the service except through them (README).
 */
function trustProxyOption(trust: Config["trustProxy"]): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof trust === "number") {
    return (_address: string, hop: number): boolean => hop < trust;
  }
  return Array.isArray(trust) ? [...trust] : trust;
}

/**
 * The one error handler. A refusal (an AuthError, or a framework error below 500 as [4000]
 * with its status: framework-errors.ts) shows its code and public message; the database or
 * Redis out of reach is a 503 [5000] with Retry-After (issue 17 §1: the client may retry, a
 * load balancer may try another instance); anything else is logged and shown as a bare [5000].
 */
function sendError(deps: BaseOptions, error: FastifyError | AuthError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const lang = detectLang(request);
  const refused = refusalOf(error);
  let refusal: Refusal;
  if (refused !== null) {
    refusal = refuse(request, reply, refused.error, lang, refused.status === undefined ? undefined : { status: refused.status });
  } else if (deps.isDependencyOutage(error)) {
    // One line per request, without the stack: an outage brings many.
    request.log.warn({ error: error.message }, "dependency unavailable");
    reply.header("retry-after", String(OUTAGE_RETRY_AFTER_SECONDS));
    refusal = refuse(request, reply, new InternalError("dependency unavailable"), lang, { status: 503 });
  } else {
    request.log.error({ err: error }, "unhandled error");
    refusal = refuse(request, reply, new InternalError("unhandled error"), lang);
  }
  const { code, message, hint, reason } = refusal.shown;
  if (request.url.startsWith("/api/") || request.url.startsWith("/console/api/")) {
    return reply.send({ error: { code, message, ...(hint === null ? {} : { hint }), ...(reason === null || reason === undefined ? {} : { reason }) } });
  }
  return renderPage(reply, "error", { lang, brand: deps.config.brand }, { error: refusal.shown }, refusal.status);
}
