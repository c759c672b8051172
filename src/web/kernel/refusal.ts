import type { FastifyReply, FastifyRequest } from "fastify";
import type { AuthError } from "../../core/kernel/errors.ts";
import type { Lang } from "./i18n.ts";
import type { PageError } from "./render.ts";
import { applyErrorStatus } from "./error-status.ts";

declare module "fastify" {
  interface FastifyRequest {
    /** Set by `refuse`: the error this request was answered with (console-request-audit-hook.ts audits it). */
    refusedWith?: AuthError;
  }
}

export interface Refusal {
  status: number;
  /** What the page or the API shows: the code, the public message and hint in the reader's language. */
  shown: PageError;
}

/**
 * The one way a refused request is answered, by the page routes and the global error
 * handler alike: the status (and Retry-After) on the reply, one log line with the code
 * and private detail (never the input), and what to show. `status` overrides the
 * table for framework refusals (413, 415) shown as [4000].
 */
export function refuse(request: FastifyRequest, reply: FastifyReply, error: AuthError, lang: Lang, options?: { status?: number }): Refusal {
  const status = applyErrorStatus(reply, error, options);
  request.refusedWith = error;
  if (status < 500) {
    request.log.info({ errorCode: error.code, detail: error.detail }, "request refused");
  }
  return { status, shown: { code: error.code, message: error.publicMessage[lang], hint: error.hint?.[lang] ?? null, reason: error.reason } };
}
