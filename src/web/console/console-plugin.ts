import type { Brand } from "../../core/kernel/brand.ts";
import type { OperatorAction } from "../../core/console/operator-action.ts";
import type { OperatorLogin } from "../../core/console/operators/operator-login.ts";
import type { OperatorSessions } from "../../core/console/operators/operator-session.ts";
import type { CustomerLookup } from "../../core/console/customer-lookup.ts";
import type { AuditView } from "../../core/console/audit-view.ts";
import type { Dashboard } from "../../core/console/dashboard/dashboard.ts";
import type { CustomerActions } from "../../core/console/customer-actions.ts";
import type { SecurityRequests } from "../../core/console/security-requests/security-requests.ts";
import type { EmailVerifications } from "../../core/console/security-requests/email-verification.ts";
import type { BirthDateCheck } from "../../core/console/birth-date-check.ts";
import type { TradingPinUnlock } from "../../core/console/trading-pin-unlock.ts";
import type { ConnectionRevocation } from "../../core/console/connection-revocation.ts";
import type { ConsoleRequestAudit, RequestAuditMarks } from "../../core/console/console-request-audit.ts";
import type { WebPlugin } from "../kernel/plugin.ts";
import { consoleLoginApi, consoleSessionApi } from "./console-api-v1.ts";
import { consoleCustomersApi } from "./customers/console-api-v1-customers.ts";
import { consoleAuditApi } from "./audit/console-api-v1-audit.ts";
import { consoleDashboardApi } from "./dashboard/console-api-v1-dashboard.ts";
import { consoleActionsApi } from "./customers/console-api-v1-actions.ts";
import { consoleMfaOffApi } from "./customers/console-api-v1-mfa-off.ts";
import { consoleSecurityRequestsApi } from "./security-requests/console-api-v1-security-requests.ts";
import { consoleTradingPinApi } from "./customers/console-api-v1-trading-pin.ts";
import { consoleOperatorsApi } from "./operators/console-api-v1-operators.ts";
import { consolePages } from "./console-pages.ts";
import { auditConsoleRequests } from "./console-request-audit-hook.ts";

/** The call center's services (issue 12), as the console's routes take them. */
export interface ConsoleWebOptions {
  brand: Brand;
  /** Operator login: password + TOTP. */
  operatorLogin: Pick<OperatorLogin, "login">;
  /** The console's own sessions and cookie. */
  operatorSessions: Pick<OperatorSessions, "authenticate" | "end">;
  /** Find a customer; the customer page's facts (viewing is audited). */
  customerLookup: Pick<CustomerLookup, "search" | "facts">;
  /** The audit log by filters, paged, and its CSV export (audited). */
  auditView: Pick<AuditView, "page" | "export">;
  /** The operations dashboard's figures (issue 22 §2): agents and supervisors alike. */
  dashboard: Pick<Dashboard, "figures">;
  /** Unlock, unfreeze, end sessions, MFA on: audited, each with a notice to the customer. */
  customerActions: Pick<CustomerActions, "unlock" | "unfreeze" | "endSessions" | "mfaOn">;
  /** Security requests (issue 17): MFA off, a new 重要メール, パスキー必須 off; four eyes and a delay. */
  securityRequests: Pick<SecurityRequests, "requestMfaOff" | "requestEmailChange" | "requestPasskeyRequiredOff" | "list" | "openFor" | "approve" | "reject" | "cancel">;
  /** The code to a new 重要メール that must be read back before its change is requested. */
  emailVerifications: Pick<EmailVerifications, "send">;
  /** 「生年月日の確認」: 一致 / 不一致, never the date (rate-limited, audited). */
  birthDateCheck: Pick<BirthDateCheck, "check">;
  /** Lifts a trading PIN's lock (issue 13 §4): audited, a notice to the customer. */
  tradingPinUnlock: Pick<TradingPinUnlock, "unlock">;
  /** Ends a customer's connection to one relying party (issue 20 item 8): audited, a notice to the customer. */
  connectionRevocation: Pick<ConnectionRevocation, "revoke">;
  /** A supervisor lifts an agent's lock (issue 17 item 15): audited. */
  operatorUnlock: { unlock(loginId: string, action: OperatorAction): Promise<void> };
  /** Audits every refused console request, and every allowed one the core recorded nothing for (issue 17 item 9). */
  requestAudit: Pick<ConsoleRequestAudit, "refused" | "requested">;
  /** Which requests the console's services recorded an audit event for. */
  auditMarks: Pick<RequestAuditMarks, "take">;
}

const API = "/console/api/v1";

/**
 * Every route under /console (issue 12): the JSON API for the CRM and the console's pages.
 * One plugin, so the console can be served on the main listener or on its own
 * (CONSOLE_LISTEN) by registering it on one app or the other.
 */
export const consolePlugin: WebPlugin<ConsoleWebOptions> = async (app, options) => {
  // Issue 17 item 9: every request of a signed-in operator is audited, on every route below.
  auditConsoleRequests(app, options.requestAudit, options.auditMarks);
  await app.register(consoleLoginApi, { ...options, prefix: API });
  await app.register(consoleSessionApi, { ...options, prefix: API });
  await app.register(consoleCustomersApi, { ...options, prefix: API });
  await app.register(consoleAuditApi, { ...options, prefix: API });
  await app.register(consoleDashboardApi, { ...options, prefix: API });
  await app.register(consoleActionsApi, { ...options, prefix: API });
  await app.register(consoleMfaOffApi, { ...options, prefix: API });
  await app.register(consoleSecurityRequestsApi, { ...options, prefix: API });
  await app.register(consoleTradingPinApi, { ...options, prefix: API });
  await app.register(consoleOperatorsApi, { ...options, prefix: API });
  await app.register(consolePages, options);
};
