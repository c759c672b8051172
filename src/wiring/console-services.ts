import type { Config } from "../config.ts";
import type { LoginDeps } from "../core/login/login-deps.ts";
import type { Stores } from "./stores.ts";
import { OperatorSessions } from "../core/console/operators/operator-session.ts";
import { OperatorLogin } from "../core/console/operators/operator-login.ts";
import { bindRateLimits } from "../core/kernel/rate-limit.ts";
import type { StuckMailRule } from "../core/console/mail-delivery-state.ts";
import { CustomerLookup } from "../core/console/customer-lookup.ts";
import { AuditView } from "../core/console/audit-view.ts";
import { Dashboard } from "../core/console/dashboard/dashboard.ts";
import { LoginHistory } from "../core/account/login-history.ts";
import { DEFAULT_OUTBOX_SETTINGS } from "../adapters/mail/outbox-settings.ts";
import { CustomerActions } from "../core/console/customer-actions.ts";
import { SecurityRequests } from "../core/console/security-requests/security-requests.ts";
import { EmailVerifications } from "../core/console/security-requests/email-verification.ts";
import { BirthDateCheck } from "../core/console/birth-date-check.ts";
import { TradingPinUnlock } from "../core/console/trading-pin-unlock.ts";
import { ConnectionRevocation } from "../core/console/connection-revocation.ts";
import { ConsoleRequestAudit, RequestAuditMarks } from "../core/console/console-request-audit.ts";
import type { OperatorAction } from "../core/console/operator-action.ts";
import { unlockOperatorFromConsole } from "../core/console/operators/operator-unlock.ts";

/** The call center console's services (issue 12), as the web layer takes them. */
export interface ConsoleServices {
  /** Operator login: password + TOTP. */
  operatorLogin: OperatorLogin;
  /** The console's own sessions and cookie. */
  operatorSessions: OperatorSessions;
  /** Find a customer; the customer page's facts (viewing is audited). */
  customerLookup: CustomerLookup;
  /** The audit log by filters, paged, and its CSV export (audited). */
  auditView: AuditView;
  /** The operations dashboard (issue 22 §2). */
  dashboard: Dashboard;
  /** Unlock, unfreeze, end sessions, MFA on: audited, each with a notice to the customer. */
  customerActions: CustomerActions;
  /**
   * Security requests (issue 17): MFA off, a new 重要メール, パスキー必須 off; any operator requests,
   * a supervisor other than the requester approves, effective after SECURITY_CHANGE_DELAY_HOURS.
   */
  securityRequests: SecurityRequests;
  /** The code to a new 重要メール that must be read back before its change is requested. */
  emailVerifications: EmailVerifications;
  /** 「生年月日の確認」: 一致 / 不一致, never the date (rate-limited, audited). */
  birthDateCheck: BirthDateCheck;
  /** Lifts a trading PIN's lock (issue 13 §4): audited, a notice to the customer. */
  tradingPinUnlock: TradingPinUnlock;
  /** Ends a customer's connection to one relying party (issue 20 item 8): audited, a notice to the customer. */
  connectionRevocation: ConnectionRevocation;
  /** A supervisor lifts an agent's lock (issue 17 item 15): audited. */
  operatorUnlock: { unlock(loginId: string, action: OperatorAction): Promise<void> };
  /** Audits every refused console request, and every allowed one the core recorded nothing for (issue 17 item 9; the web layer's hook calls it). */
  requestAudit: ConsoleRequestAudit;
  /** Which requests the console's services recorded an audit event for. */
  auditMarks: RequestAuditMarks;
}

/**
 * Builds the console's services on the same stores, clock, audit log and mail outbox as the
 * customers' side (`loginDeps`), so an operator's action and its notice share one transaction.
 */
export function buildConsoleServices(stores: Stores, loginDeps: LoginDeps, config: Readonly<Config>, options: { stuckMail?: StuckMailRule } = {}): ConsoleServices {
  const { clock, random, limiter, hasher } = loginDeps;
  // Every console service writes through the marks, so the console's hook knows what the core recorded.
  const auditMarks = new RequestAuditMarks(loginDeps.audit);
  const audit = auditMarks.log;
  const operatorSessions = new OperatorSessions({ operatorSessions: stores.operatorSessions, operators: stores.operators, clock, random, audit });
  const operatorLogin = new OperatorLogin({
    operators: stores.operators,
    hasher,
    clock,
    audit,
    limit: bindRateLimits({ limiter, audit, clock, limits: config.rateLimits }),
    limiter,
    sessions: operatorSessions,
    settings: { lockoutThreshold: config.lockoutThreshold, callCenterPhone: config.brand.callCenterPhone },
  });
  const customerActions = new CustomerActions({ customers: stores.customers, outbox: loginDeps.outbox, audit, clock, random, brand: config.brand });
  const emailVerifications = new EmailVerifications({
    customers: stores.customers,
    verifications: stores.emailVerifications,
    outbox: loginDeps.outbox,
    audit,
    limiter,
    clock,
    random,
    brand: config.brand,
    codeKeys: loginDeps.settings.codeKeys,
  });
  const securityRequests = new SecurityRequests({
    customers: stores.customers,
    requests: stores.securityRequests,
    passkeys: stores.passkeys,
    verifications: emailVerifications,
    outbox: loginDeps.outbox,
    audit,
    clock,
    random,
    brand: config.brand,
    delayHours: config.securityChangeDelayHours,
  });
  const birthDateCheck = new BirthDateCheck({ customers: stores.customers, audit, limiter, clock });
  const tradingPinUnlock = new TradingPinUnlock({ customers: stores.customers, pins: stores.tradingPins, outbox: loginDeps.outbox, audit, clock, random, brand: config.brand });
  const connectionRevocation = new ConnectionRevocation({ customers: stores.customers, connections: stores.oidcConnections, outbox: loginDeps.outbox, audit, clock, random, brand: config.brand });
  const requestAudit = new ConsoleRequestAudit({ customers: stores.customers, audit });
  const operatorUnlock = { unlock: (loginId: string, action: OperatorAction): Promise<void> => unlockOperatorFromConsole({ operators: stores.operators, audit }, loginId, action) };
  return { operatorLogin, operatorSessions, customerActions, securityRequests, emailVerifications, birthDateCheck, tradingPinUnlock, connectionRevocation, requestAudit, operatorUnlock, auditMarks, ...buildReadSide(stores, { ...loginDeps, audit }, options.stuckMail ?? DEFAULT_OUTBOX_SETTINGS) };
}

/** The console's read side: the customer search and page, the audit log view. */
function buildReadSide(stores: Stores, loginDeps: LoginDeps, stuckMail: StuckMailRule): Pick<ConsoleServices, "customerLookup" | "auditView" | "dashboard"> {
  const { clock, audit, sessions } = loginDeps;
  const customerLookup = new CustomerLookup({
    customers: stores.customers,
    directory: stores.customerDirectory,
    mails: stores.mailDeliveries,
    auditQuery: stores.auditQuery,
    audit,
    tradingPins: stores.tradingPins,
    passkeys: stores.passkeys,
    sessions,
    connections: stores.oidcConnections,
    loginHistory: new LoginHistory({ activity: stores.audit, clock }),
    clock,
    stuckMail,
  });
  const auditView = new AuditView({ customers: stores.customers, operators: stores.operators, auditQuery: stores.auditQuery, audit, clock });
  const dashboard = new Dashboard({ query: stores.dashboardQuery, clock });
  return { customerLookup, auditView, dashboard };
}
