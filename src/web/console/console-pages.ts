import type { FastifyError } from "fastify";
import { NotFoundError } from "../../core/kernel/errors.ts";
import type { AuthError } from "../../core/kernel/errors.ts";
import { refusalOf } from "../kernel/framework-errors.ts";
import type { WebPlugin, WebScope } from "../kernel/plugin.ts";
import { refuse } from "../kernel/refusal.ts";
import type { ConsoleWebOptions } from "./console-plugin.ts";
import { consolePageBase, renderConsolePage } from "./console-page.ts";
import { registerConsoleStatic } from "./console-static.ts";
import { consoleLoginPages } from "./console-login-pages.ts";
import { consoleCustomerPages } from "./customers/console-customer-pages.ts";
import { consoleActionPages } from "./customers/console-action-pages.ts";
import { consoleRequestPages } from "./security-requests/console-request-pages.ts";
import { consoleAuditPages } from "./audit/console-audit-pages.ts";
import { consoleOperatorPages } from "./operators/console-operator-pages.ts";
import { consoleDashboardPages } from "./dashboard/console-dashboard-pages.ts";

/**
 * The console's HTML pages (issue 12), in one encapsulated plugin whose error handler shows
 * a refusal (a bad form, a CSRF refusal, an unknown customer) as a console page, in the
 * console's look, not as the customers' error page with its link to their login.
 */
export const consolePages: WebPlugin<ConsoleWebOptions> = async (app, options) => {
  registerConsoleStatic(app);
  await app.register(async (pages: WebScope) => {
    pages.setErrorHandler(async (error: FastifyError | AuthError, request, reply) => {
      const refused = refusalOf(error);
      if (refused === null) {
        // Not ours to word: the app's one handler logs it and answers [5000].
        throw error;
      }
      const base = consolePageBase(request, options.brand, request.operator ?? null);
      const { shown, status } = refuse(request, reply, refused.error, base.lang, refused.status === undefined ? {} : { status: refused.status });
      return renderConsolePage(reply, "console-error", base, { error: shown }, status);
    });
    await pages.register(consoleLoginPages, options);
    await pages.register(consoleCustomerPages, options);
    await pages.register(consoleActionPages, options);
    await pages.register(consoleRequestPages, options);
    await pages.register(consoleAuditPages, options);
    await pages.register(consoleOperatorPages, options);
    await pages.register(consoleDashboardPages, options);
  });
  // An unknown path under /console gets the console's look too (not the customers' page and its
  // link to their login); an unknown API path keeps its JSON answer from the app's handler.
  await app.register(
    async (scope: WebScope) => {
      scope.setNotFoundHandler(async (request, reply) => {
        const missing = new NotFoundError(`${request.method} ${request.url.slice(0, 200)}`);
        if (request.url.startsWith("/console/api/")) {
          throw missing;
        }
        const base = consolePageBase(request, options.brand, null);
        const { shown, status } = refuse(request, reply, missing, base.lang);
        return renderConsolePage(reply, "console-error", base, { error: shown }, status);
      });
    },
    { prefix: "/console" },
  );
};
