import type { FastifyInstance, FastifyRequest } from "fastify";
import { InvalidInputError } from "../../core/kernel/errors.ts";

// Unicode's control characters (Cc): C0 (NUL, CR, LF, TAB …), DEL and C1. No login ID, ID,
// page number, search text or date holds one; PostgreSQL refuses NUL in text with an error.
const CONTROL_CHARACTER = /\p{Cc}/u;

/**
 * Issue 17 item 13: `/console/api/v1/customers/%00` reached PostgreSQL and answered 500.
 * One check for every route of the app, public and console alike: a control character in
 * any path parameter or query parameter (name or value) is refused with [4000] before a
 * handler runs, so no route can forget it. The route's own error handler answers (JSON
 * under /api and /console/api, the error page elsewhere).
 */
export function addParameterCheck(app: FastifyInstance): void {
  app.addHook("onRequest", async (request: FastifyRequest): Promise<void> => {
    const where = controlCharacterIn("path", request.params) ?? controlCharacterIn("query", request.query);
    if (where !== null) {
      throw new InvalidInputError(`control character in ${where}`);
    }
  });
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
