import csrfProtection from "@fastify/csrf-protection";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { CSRF_COOKIE, csrfCookieOptions } from "./cookies.ts";
import { RequestRefusedError } from "../../core/kernel/errors.ts";

/** The hidden form field every HTML form carries (views/csrf-field.eta). */
export const CSRF_FIELD = "_csrf";
/**
 * Also accepted in place of the field: a cross-site page cannot set a custom
 * header without a CORS preflight, which this app never grants.
 */
export const CSRF_HEADER = "x-csrf-token";

/**
 * DESIGN §4: state-changing HTML requests need a CSRF token. The secret lives in
 * its own cookie, not in the session, so the login form is covered too (login
 * CSRF: a page elsewhere must not log a visitor into the attacker's account).
 * Registers `reply.generateCsrf()`, which render.ts offers the views.
 */
export async function registerCsrf(app: FastifyInstance): Promise<void> {
  await app.register(csrfProtection, {
    sessionPlugin: "@fastify/cookie",
    cookieKey: CSRF_COOKIE,
    cookieOpts: csrfCookieOptions(),
    getToken: tokenOf,
    logLevel: "info",
  });
}

/** What the CSRF check needs of the app: the plugin's check (any scope of the app has it). */
export type CsrfCheck = Pick<FastifyInstance, "csrfProtection">;

/**
 * A preHandler for the HTML POST routes (after the body parser, so the form's
 * `_csrf` field is there). A missing or wrong token is a 403 before the handler
 * runs: no challenge, no mail, no session ended.
 */
export function requireCsrfToken(app: CsrfCheck): (request: FastifyRequest, reply: FastifyReply) => Promise<void> {
  return async function checkCsrfToken(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    // The plugin's check (cookie secret, token hashed with its salt, constant-time compare) runs to its
    // end at once: it calls `next` or answers a refusal itself, with reply.send(its own error). That
    // answer is caught instead, so the refusal is thrown in our shape to our error handler.
    let refused: Error | null = null;
    let passed = false;
    const probe = Object.create(reply, {
      send: {
        value: (error: Error): FastifyReply => {
          refused = error;
          return probe;
        },
      },
    }) as FastifyReply;
    app.csrfProtection(request, probe, () => {
      passed = true;
    });
    if (refused !== null || !passed) {
      // Neither answer by the time it returned would be a check that no longer runs at once: refused, not let through.
      throw new RequestRefusedError(`CSRF token refused: ${refused === null ? "no answer from the check" : (refused as Error).message}`);
    }
  };
}

/** The token from the form field, else from the header; never from the URL, where it would leak into logs. */
function tokenOf(request: FastifyRequest): string | undefined {
  const body = request.body;
  if (typeof body === "object" && body !== null && CSRF_FIELD in body) {
    const field = (body as Record<string, unknown>)[CSRF_FIELD];
    return typeof field === "string" ? field : undefined;
  }
  const header = request.headers[CSRF_HEADER];
  return typeof header === "string" ? header : undefined;
}
