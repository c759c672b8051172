import type { Config } from "../config.ts";
import type { LoginDeps } from "../core/login-deps.ts";
import type { Stores } from "./stores.ts";
import { OperatorSessions } from "../core/operator-session.ts";
import { OperatorLogin } from "../core/operator-login.ts";
import { bindRateLimits } from "../core/rate-limit.ts";
import { CustomerActions } from "../core/customer-actions.ts";
import { MfaOffRequests } from "../core/mfa-off-requests.ts";

/** The call center console's services (issue 12), as the web layer takes them. */
export interface ConsoleServices {
  /** Operator login: password + TOTP. */
  operatorLogin: OperatorLogin;
  /** The console's own sessions and cookie. */
  operatorSessions: OperatorSessions;
  /** Unlock, unfreeze, e-mail change, end sessions, MFA on: audited, each with a notice to the customer. */
  customerActions: CustomerActions;
  /** Four eyes on MFA off: any operator requests, another operator, a supervisor, approves or rejects. */
  mfaOffRequests: MfaOffRequests;
}

/**
 * Builds the console's services on the same stores, clock, audit log and mail outbox as the
 * customers' side (`loginDeps`), so an operator's action and its notice share one transaction.
 */
export function buildConsoleServices(stores: Stores, loginDeps: LoginDeps, config: Readonly<Config>): ConsoleServices {
  const { clock, random, audit, limiter, hasher } = loginDeps;
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
  const mfaOffRequests = new MfaOffRequests({ customers: stores.customers, requests: stores.mfaOffRequests, outbox: loginDeps.outbox, audit, clock, random, brand: config.brand });
  return { operatorLogin, operatorSessions, customerActions, mfaOffRequests };
}
