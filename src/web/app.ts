import { STATUS_CODES } from "node:http";
import { randomUUID } from "node:crypto";
import Fastify from "fastify";
import type { FastifyBaseLogger, FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Socket } from "node:net";
import cookie from "@fastify/cookie";
import formbody from "@fastify/formbody";
import helmet from "@fastify/helmet";
import type { Config } from "../config.ts";
import type { LoginService } from "../core/login.ts";
import type { DevMailbox, LoginHistoryStore, ReadinessReport } from "../core/ports.ts";
import type { SessionService } from "../core/session.ts";
import type { LoginHistory } from "../core/login-history.ts";
import type { PasswordChange } from "../core/password-change.ts";
import type { AccountFreeze } from "../core/account-freeze.ts";
import type { PasswordReset } from "../core/password-reset.ts";
import type { LoginIdReminder } from "../core/login-id-reminder.ts";
import type { NoticeSettings } from "../core/notice-settings.ts";
import type { ConsoleServices } from "../wiring/console-services.ts";
import { AuthError, InternalError, InvalidInputError, NotFoundError } from "../core/errors.ts";
import { refuse } from "./refusal.ts";
import type { Refusal } from "./refusal.ts";
import { detectLang } from "./i18n.ts";
import { renderPage } from "./render.ts";
import { parseFormStrictly } from "./strict-form.ts";
import { registerLoginPages } from "./routes/login-pages.ts";
import { AccessLog } from "./access-log.ts";
import { registerMyPage } from "./routes/my-page.ts";
import { registerHistoryAndSessionsPages } from "./routes/history-sessions-pages.ts";
import { registerPasswordPages } from "./routes/password-pages.ts";
import { registerRecoveryPages } from "./routes/recovery-pages.ts";
import { registerHelp } from "./routes/help.ts";
import { registerApiV1 } from "./routes/api-v1.ts";
import { registerApiV1Account } from "./routes/api-v1-account.ts";
import { registerApiV1Recovery } from "./routes/api-v1-recovery.ts";
import { registerConsoleRoutes } from "./console-routes.ts";
import { registerDevMailbox } from "./routes/dev-mailbox.ts";
import { registerHealth } from "./routes/health.ts";
import { registerMetrics } from "./routes/metrics.ts";
import type { MetricsSource } from "./routes/metrics.ts";
import { registerStatic } from "./routes/static.ts";
import { registerCsrf } from "./csrf.ts";
import { addOriginCheck } from "./origin-check.ts";
import { addNoStoreByDefault } from "./cache-control.ts";
import { addCloseAfterResponseOnShutdown } from "./close-after-response.ts";
import { capConnections, serverLimitOptions } from "./server-limits.ts";

export interface WebDeps {
  config: Readonly<Config>;
  logger: FastifyBaseLogger;
  login: LoginService;
  sessions: SessionService;
  history: LoginHistoryStore;
  /** ログイン履歴: logins and failed attempts. */
  loginHistory: LoginHistory;
  /** Password change with the current password and a fresh emailed code. */
  passwordChange: PasswordChange;
  /** "Freeze my account" (seed Q9): every login refused until the call center reopens it. */
  accountFreeze: AccountFreeze;
  /** Forgotten password: login ID + date of birth + an emailed code. */
  passwordReset: PasswordReset;
  /** Forgotten login ID: mailed to the 重要メール only. */
  loginIdReminder: LoginIdReminder;
  /** お知らせ設定 (login notices). */
  noticeSettings: NoticeSettings;
  /** The call center's console (issue 12): operator login, sessions, customer lookup and actions. */
  console: ConsoleServices;
  /** Present only in development with no SMTP_URL: serves /dev/mailbox. */
  mailCatcher: DevMailbox | null;
  /** Asks the database, Redis and SMTP whether they answer (for /readyz). */
  checkReadiness: () => Promise<ReadinessReport>;
  /** Served at /metrics. */
  metrics: MetricsSource;
}

// Login forms are tiny; a big body is an attack or a mistake.
const BODY_LIMIT_BYTES = 16 * 1024;

export async function buildApp(deps: WebDeps): Promise<FastifyInstance> {
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
  capConnections(app, deps.config.http);

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
    // HSTS only where it can hold: a https PUBLIC_URL.
    strictTransportSecurity: deps.config.publicUrl.startsWith("https://") ? { maxAge: 31536000, includeSubDomains: true } : false,
    // Not "no-referrer": under it a browser sends `Origin: null` on our own form posts,
    // which the origin check must refuse. "same-origin" still tells other sites nothing.
    referrerPolicy: { policy: "same-origin" },
    frameguard: { action: "deny" },
  });
  addNoStoreByDefault(app);
  addCloseAfterResponseOnShutdown(app);
  // An onRequest hook, after helmet's so its refusal carries the headers too; runs before any body is read.
  addOriginCheck(app, deps.config.publicUrl);

  app.setErrorHandler((error: FastifyError | AuthError, request, reply) => sendError(deps, error, request, reply));
  app.setNotFoundHandler((request, reply) => sendError(deps, new NotFoundError(`${request.method} ${request.url.slice(0, 200)}`), request, reply));

  registerStatic(app);
  registerHealth(app, deps);
  registerMetrics(app, deps.metrics, deps.config.metricsToken);
  registerLoginPages(app, deps);
  registerMyPage(app, deps);
  registerHistoryAndSessionsPages(app, deps);
  registerPasswordPages(app, deps);
  registerRecoveryPages(app, deps);
  registerHelp(app, deps);
  registerApiV1(app, deps);
  registerApiV1Account(app, deps);
  registerApiV1Recovery(app, deps);
  registerConsoleRoutes(app, deps);
  if (deps.mailCatcher !== null && deps.config.environment !== "production") {
    registerDevMailbox(app, deps.mailCatcher, deps.config.brand);
  }
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
 * [4000] with their status; anything else is logged and shown as a bare [5000].
 */
function sendError(deps: WebDeps, error: FastifyError | AuthError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const lang = detectLang(request);
  let refusal: Refusal;
  if (error instanceof AuthError) {
    refusal = refuse(request, reply, error, lang);
  } else if (typeof error.statusCode === "number" && error.statusCode >= 400 && error.statusCode < 500) {
    refusal = refuse(request, reply, new InvalidInputError(typeof error.code === "string" ? error.code : "framework error"), lang, { status: error.statusCode });
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
