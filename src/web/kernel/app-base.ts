import { STATUS_CODES } from "node:http";
import { randomUUID } from "node:crypto";
import Fastify from "fastify";
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Socket } from "node:net";
import cookie from "@fastify/cookie";
import formbody from "@fastify/formbody";
import helmet from "@fastify/helmet";
import type { Config } from "../../config.ts";
import type { WebDeps } from "../app.ts";
import { AuthError, InternalError, InvalidInputError, NotFoundError } from "../../core/kernel/errors.ts";
import { refuse } from "./refusal.ts";
import type { Refusal } from "./refusal.ts";
import { detectLang } from "./i18n.ts";
import { renderPage } from "./render.ts";
import { parseFormStrictly } from "./strict-form.ts";
import { AccessLog } from "./access-log.ts";
import { registerCsrf } from "./csrf.ts";
import { addOriginCheck } from "./origin-check.ts";
import { addParameterCheck } from "./parameter-check.ts";
import { addNoStoreByDefault } from "./cache-control.ts";
import { addCloseAfterResponseOnShutdown } from "./close-after-response.ts";
import { capConnections, serverLimitOptions } from "./server-limits.ts";

/** What the shared setup needs of the web's dependencies. */
export type BaseDeps = Pick<WebDeps, "config" | "logger" | "isDependencyOutage">;

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
export async function buildBaseApp(deps: BaseDeps, origin: string, options: { connectionsPerAddress?: "limited" | "off" } = {}): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger,
    bodyLimit: BODY_LIMIT_BYTES,
    // Slow or idle clients cannot hold connections for ever (security review).
    ...serverLimitOptions(deps.config.http),
    logController: new AccessLog(),
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
      // No hooks run on this path (helmet, no-store): give the refusal the essentials by hand.
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
  capConnections(app, deps.config, { perAddress: options.connectionsPerAddress ?? "limited" });

  await app.register(cookie);
  await registerCsrf(app);
  await app.register(formbody, { parser: parseFormStrictly });
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", "data:"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
      },
    },
    // HSTS only where it can hold: a https origin.
    strictTransportSecurity: origin.startsWith("https://") ? { maxAge: 31536000, includeSubDomains: true } : false,
    // Not "no-referrer": under it a browser sends `Origin: null` on our own form posts,
    // which the origin check must refuse. "same-origin" still tells other sites nothing.
    referrerPolicy: { policy: "same-origin" },
    frameguard: { action: "deny" },
  });
  addNoStoreByDefault(app);
  addCloseAfterResponseOnShutdown(app);
  // An onRequest hook, after helmet's so its refusal carries the headers too; runs before any body is read.
  addOriginCheck(app, origin);
  // Control characters in any path or query parameter: [4000] before a handler (issue 17 item 13).
  addParameterCheck(app);

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

const CLIENT_ERROR_STATUS: Record<string, number> = {
  HPE_HEADER_OVERFLOW: 431,
  ERR_HTTP_REQUEST_TIMEOUT: 408,
};

/**
 * Fastify's default client-error handler, with the body in our error shape. There
 * is no request yet (no URL, no Accept-Language), so it is always JSON in Japanese.
 */
function sendClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === "ECONNRESET" || socket.destroyed) {
    return;
  }
  const status = CLIENT_ERROR_STATUS[error.code ?? ""] ?? 400;
  const shown = new InvalidInputError(error.code ?? "client error");
  const body = JSON.stringify({ error: { code: shown.code, message: shown.publicMessage.ja } });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? "Bad Request"}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

/**
 * The one error handler. AuthErrors show their code and public message;
 * framework errors below 500 (bad JSON, wrong content type, too large) show as
 * [4000] with their status; the database or Redis out of reach is a 503 [5000] with
 * Retry-After (issue 17 §1: the client may retry, a load balancer may try another
 * instance); anything else is logged and shown as a bare [5000].
 */
function sendError(deps: BaseDeps, error: FastifyError | AuthError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const lang = detectLang(request);
  let refusal: Refusal;
  if (error instanceof AuthError) {
    refusal = refuse(request, reply, error, lang);
  } else if (typeof error.statusCode === "number" && error.statusCode >= 400 && error.statusCode < 500) {
    refusal = refuse(request, reply, new InvalidInputError(typeof error.code === "string" ? error.code : "framework error"), lang, { status: error.statusCode });
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
