import type { FastifyError, FastifyInstance } from "fastify";
import type { WebDeps } from "../app.ts";
import { AuthError, InvalidInputError, NotFoundError } from "../../core/kernel/errors.ts";
import { consolePageBase, renderConsolePage } from "./console-page.ts";
import { refuse } from "../kernel/refusal.ts";
import { registerConsoleStatic } from "./console-static.ts";
import { registerConsoleLoginPages } from "./console-login-pages.ts";
import { registerConsoleCustomerPages } from "./customers/console-customer-pages.ts";
import { registerConsoleActionPages } from "./customers/console-action-pages.ts";
import { registerConsoleRequestPages } from "./security-requests/console-request-pages.ts";
import { registerConsoleAuditPages } from "./audit/console-audit-pages.ts";
import { registerConsoleOperatorPages } from "./operators/console-operator-pages.ts";

/**
 * The console's HTML pages (issue 12), in one encapsulated plugin whose error handler shows
 * a refusal (a bad form, a CSRF refusal, an unknown customer) as a console page, in the
 * console's look, not as the customers' error page with its link to their login.
 */
export function registerConsolePages(app: FastifyInstance, deps: WebDeps): void {
  registerConsoleStatic(app);
  app.register(async (pages) => {
    pages.setErrorHandler(async (error: FastifyError | AuthError, request, reply) => {
      let refused: AuthError;
      if (error instanceof AuthError) {
        refused = error;
      } else if (typeof error.statusCode === "number" && error.statusCode >= 400 && error.statusCode < 500) {
        refused = new InvalidInputError(typeof error.code === "string" ? error.code : "framework error");
      } else {
        // Not ours to word: the app's one handler logs it and answers [5000].
        throw error;
      }
      const base = consolePageBase(request, deps.config.brand, request.consoleOperator ?? null);
      const { shown, status } = refuse(request, reply, refused, base.lang, error instanceof AuthError ? {} : { status: error.statusCode ?? 400 });
      return renderConsolePage(reply, "console-error", base, { error: shown }, status);
    });
    registerConsoleLoginPages(pages, deps);
    registerConsoleCustomerPages(pages, deps);
    registerConsoleActionPages(pages, deps);
    registerConsoleRequestPages(pages, deps);
    registerConsoleAuditPages(pages, deps);
    registerConsoleOperatorPages(pages, deps);
  });
  // An unknown path under /console gets the console's look too (not the customers' page and its
  // link to their login); an unknown API path keeps its JSON answer from the app's handler.
  app.register(
    async (scope) => {
      scope.setNotFoundHandler(async (request, reply) => {
        const missing = new NotFoundError(`${request.method} ${request.url.slice(0, 200)}`);
        if (request.url.startsWith("/console/api/")) {
          throw missing;
        }
        const base = consolePageBase(request, deps.config.brand, null);
        const { shown, status } = refuse(request, reply, missing, base.lang);
        return renderConsolePage(reply, "console-error", base, { error: shown }, status);
      });
    },
    { prefix: "/console" },
  );
}
