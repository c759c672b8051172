import type { FastifyRequest } from "fastify";
import type { AuthError } from "../core/errors.ts";
import type { Lang } from "./i18n.ts";
import type { PageError } from "./render.ts";

/** Logs a refused request (code and private detail, never the input) and returns what the page shows. */
export function refusal(request: FastifyRequest, error: AuthError, lang: Lang): PageError {
  request.log.info({ errorCode: error.code, detail: error.detail }, "request refused");
  return { code: error.code, message: error.publicMessage[lang], hint: error.hint?.[lang] ?? null };
}
