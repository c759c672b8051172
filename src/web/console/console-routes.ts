import type { FastifyInstance } from "fastify";
import type { WebDeps } from "../app.ts";
import { registerConsoleApiV1 } from "./console-api-v1.ts";
import { registerConsoleApiV1Customers } from "./customers/console-api-v1-customers.ts";
import { registerConsoleApiV1Audit } from "./audit/console-api-v1-audit.ts";
import { registerConsoleApiV1Actions } from "./customers/console-api-v1-actions.ts";
import { registerConsoleApiV1MfaOff } from "./customers/console-api-v1-mfa-off.ts";
import { registerConsoleApiV1SecurityRequests } from "./security-requests/console-api-v1-security-requests.ts";
import { registerConsoleApiV1TradingPin } from "./customers/console-api-v1-trading-pin.ts";
import { registerConsolePages } from "./console-pages.ts";
import { registerConsoleApiV1Operators } from "./operators/console-api-v1-operators.ts";
import { auditConsoleRequests } from "./console-request-audit-hook.ts";

/**
 * Every route under /console (issue 12): the JSON API for the CRM and the console's pages.
 * One place, so the console can be served on the main listener or on its own
 * (CONSOLE_LISTEN) by registering this on one app or the other.
 */
export function registerConsoleRoutes(app: FastifyInstance, deps: WebDeps): void {
  // Issue 17 item 9: every request of a signed-in operator is audited, on every route below.
  auditConsoleRequests(app, deps.console.requestAudit, deps.console.auditMarks);
  registerConsoleApiV1(app, deps);
  registerConsoleApiV1Customers(app, deps);
  registerConsoleApiV1Audit(app, deps);
  registerConsoleApiV1Actions(app, deps);
  registerConsoleApiV1MfaOff(app, deps);
  registerConsoleApiV1SecurityRequests(app, deps);
  registerConsoleApiV1TradingPin(app, deps);
  registerConsoleApiV1Operators(app, deps);
  registerConsolePages(app, deps);
}
