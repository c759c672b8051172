import type { AuditLog, Clock, Customer, CustomerStore, LoginRecord, Random, Session, SessionStore } from "./ports.ts";
import { auditCustomerEvent } from "./audit.ts";
import type { RequestContext } from "./request-context.ts";
import { hashToken } from "./token-hash.ts";
import { SESSION_TOKEN_BYTES } from "./limits.ts";

export interface SessionSettings {
  idleSeconds: number;
  absoluteSeconds: number;
}

export interface NewSession {
  /** Goes into the cookie and nowhere else. */
  token: string;
  session: Session;
  login: LoginRecord;
}

export interface AuthenticatedSession {
  session: Session;
  customer: Customer;
}

/**
 * How often last-seen is written. Writing it on every request would make each page view
 * a write; a tenth of the idle timeout (at most a minute) keeps that rare while a session
 * in use is never ended early: its stored last-seen lags the real one by under a tenth.
 */
export function touchIntervalMs(idleSeconds: number): number {
  return Math.min(60_000, (idleSeconds * 1000) / 10);
}

/** Server-side sessions: a random 256-bit token in the cookie, only its SHA-256 stored. */
export class SessionService {
  private readonly deps: {
    sessions: SessionStore;
    customers: CustomerStore;
    clock: Clock;
    random: Random;
    audit: AuditLog;
    settings: SessionSettings;
  };

  constructor(deps: SessionService["deps"]) {
    this.deps = deps;
  }

  /** A fresh token and the rows to store; a new token at every login (session fixation). */
  prepare(customerId: string, authMethods: string[], context: RequestContext): NewSession {
    const { clock, random } = this.deps;
    const now = clock.now();
    const token = random.token(SESSION_TOKEN_BYTES);
    return {
      token,
      session: {
        idHash: hashToken(token),
        customerId,
        authMethods,
        createdAt: now,
        lastSeenAt: now,
        ip: context.ip,
        userAgent: context.userAgent,
      },
      login: {
        id: random.id(),
        customerId,
        at: now,
        ip: context.ip,
        userAgent: context.userAgent,
        authMethods,
      },
    };
  }

  /** Creates a session directly (password-only login, when the call center turned MFA off). */
  async start(customerId: string, authMethods: string[], context: RequestContext): Promise<string> {
    const prepared = this.prepare(customerId, authMethods, context);
    await this.deps.sessions.create(prepared.session, prepared.login);
    await this.recordStart(customerId, authMethods, context);
    return prepared.token;
  }

  /** Audits a session created (by `start`, or by the code step's transaction). */
  recordStart(customerId: string, authMethods: string[], context: RequestContext): Promise<void> {
    return auditCustomerEvent(this.deps.audit, context, "session.created", "ok", customerId, { authMethods: authMethods.join(" ") });
  }

  /** The live session behind a cookie token, or null (unknown, ended, idle or too old). */
  async authenticate(token: string | undefined, context: RequestContext): Promise<AuthenticatedSession | null> {
    if (token === undefined || token === "") {
      return null;
    }
    const { sessions, customers, clock, settings } = this.deps;
    const idHash = hashToken(token);
    const session = await sessions.find(idHash);
    if (session === null) {
      return null;
    }
    const now = clock.now();
    const idleLimit = session.lastSeenAt + settings.idleSeconds * 1000;
    const absoluteLimit = session.createdAt + settings.absoluteSeconds * 1000;
    if (now >= idleLimit || now >= absoluteLimit) {
      await sessions.end(idHash, now);
      await auditCustomerEvent(this.deps.audit, context, "session.ended", "info", session.customerId, {
        reason: now >= absoluteLimit ? "absolute_timeout" : "idle_timeout",
      });
      return null;
    }
    const customer = await customers.findById(session.customerId);
    if (customer === null) {
      return null;
    }
    if (now - session.lastSeenAt >= touchIntervalMs(settings.idleSeconds)) {
      await sessions.touch(idHash, now);
    }
    return { session, customer };
  }

  /** Ends every session of the customer (a lock, and later a freeze or an operator's action); audited with the reason. */
  async endAll(customerId: string, reason: "account_locked", context: RequestContext): Promise<number> {
    const ended = await this.deps.sessions.endAllForCustomer(customerId, this.deps.clock.now());
    if (ended > 0) {
      await auditCustomerEvent(this.deps.audit, context, "session.ended", "info", customerId, { reason, sessions: ended });
    }
    return ended;
  }

  /** Logout: the session ends on the server, not only in the browser. */
  async end(token: string | undefined, context: RequestContext): Promise<void> {
    if (token === undefined || token === "") {
      return;
    }
    const idHash = hashToken(token);
    const session = await this.deps.sessions.find(idHash);
    if (session === null) {
      return;
    }
    await this.deps.sessions.end(idHash, this.deps.clock.now());
    await auditCustomerEvent(this.deps.audit, context, "session.ended", "ok", session.customerId, { reason: "logout" });
  }
}
