import type { FastifyInstance, FastifyRequest, FastifySchemaCompiler } from "fastify";
import { z } from "zod";
import { InvalidInputError } from "../../core/kernel/errors.ts";
import { invalidFieldsDetail } from "./validation.ts";

declare module "fastify" {
  interface FastifyContextConfig {
    /**
     * The page shows a refused path or query parameter in its own form (the audit filters, the
     * search box) and calls `refuseInvalidParameters` where it wants the refusal; elsewhere it
     * is [4000] before the handler runs.
     */
    showsParameterRefusal?: boolean;
    /**
     * The route hands the request on untouched (the OpenID Provider, src/web/oidc/mount-provider.ts),
     * which answers bad parameters itself in its protocol's words (`invalid_request`): no check here.
     */
    answersBadParametersItself?: boolean;
  }
}

// Unicode's control characters (Cc): C0 (NUL, CR, LF, TAB …), DEL and C1. No login ID, ID,
// page number, search text or date holds one; PostgreSQL refuses NUL in text with an error.
const CONTROL_CHARACTER = /\p{Cc}/u;

/**
 * The one place path and query parameters are checked, for every route of the app:
 * - a control character in any of them (name or value) is [4000] before anything else (issue
 *   17 item 13: `/console/api/v1/customers/%00` reached PostgreSQL and answered 500);
 * - each route declares the zod schemas of the parameters it reads (`schema: { params,
 *   querystring }`; a route with a path parameter and no schema does not register), and
 *   `request.params` / `request.query` are what the schemas made of them;
 * - a parameter its schema refuses is [4000] when the handler would start: after the route's
 *   preHandlers (media type, CSRF, session), so a request without a session is still sent to
 *   log in first, as when each handler parsed its own parameters.
 * The route's own error handler answers (JSON under /api and /console/api, a page elsewhere).
 */
export function checkParametersOfEveryRoute(app: FastifyInstance): void {
  app.addHook("onRequest", async (request: FastifyRequest): Promise<void> => {
    if (request.routeOptions.config.answersBadParametersItself === true) {
      return;
    }
    const where = controlCharacterIn("path", request.params) ?? controlCharacterIn("query", request.query);
    if (where !== null) {
      throw new InvalidInputError(`control character in ${where}`);
    }
  });
  app.setValidatorCompiler(zodValidator);
  app.addHook("onRoute", (route) => {
    if (/\/:/u.test(route.url) && route.schema?.params === undefined) {
      throw new Error(`${String(route.method)} ${route.url}: a route with a path parameter declares its params schema`);
    }
    if (route.schema === undefined) {
      return;
    }
    // Refused in the handler's place below, after the preHandlers, not before them.
    route.attachValidation = true;
    if (route.config?.showsParameterRefusal === true) {
      return;
    }
    const handler = route.handler;
    route.handler = function checkedParameters(this: FastifyInstance, request, reply) {
      refuseInvalidParameters(request);
      return handler.call(this, request, reply);
    };
  });
}

/** [4000] when a path or query parameter did not pass the route's schema. */
export function refuseInvalidParameters(request: FastifyRequest): void {
  if (request.validationError !== undefined) {
    throw new InvalidInputError(request.validationError.message);
  }
}

/** fastify's validator compiler for zod schemas: the parsed value replaces the parameters, or the fields refused. */
const zodValidator: FastifySchemaCompiler<unknown> = ({ schema }) => {
  return (data: unknown) => {
    const result = (schema as z.ZodType).safeParse(data ?? {});
    return result.success ? { value: result.data } : { error: new Error(invalidFieldsDetail(result.error)) };
  };
};

/**
 * A query parameter a page only looks at (`?changed=1`, `?done=renamed`): one of `words`, and
 * anything else (absent, repeated, unknown) null, never a refusal.
 */
export function queryWord<const Word extends string>(...words: Word[]): z.ZodType<Word | null> {
  const known: readonly string[] = words;
  return z
    .unknown()
    .optional()
    .transform((value): Word | null => (typeof value === "string" && known.includes(value) ? (value as Word) : null));
}

/** Where in `value` (a parameter's name) a control character is, or null; nested arrays and objects (`a[]=…`) too. */
function controlCharacterIn(place: string, value: unknown): string | null {
  if (typeof value === "string") {
    return CONTROL_CHARACTER.test(value) ? place : null;
  }
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = controlCharacterIn(place, item);
      if (found !== null) {
        return found;
      }
    }
    return null;
  }
  if (typeof value === "object" && value !== null) {
    for (const [name, item] of Object.entries(value)) {
      if (CONTROL_CHARACTER.test(name)) {
        return `${place} parameter name`;
      }
      const found = controlCharacterIn(`${place} parameter ${name.slice(0, 40)}`, item);
      if (found !== null) {
        return found;
      }
    }
  }
  return null;
}
