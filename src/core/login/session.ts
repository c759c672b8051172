import type { Clock, Customer, CustomerStore, LoginRecord, Random, Session, SessionStore } from "../kernel/ports.ts";
import type { AuditLog } from "../kernel/ports-audit.ts";
import { auditCustomerEvent } from "../kernel/audit.ts";
import type { RequestContext } from "../kernel/request-context.ts";
import type { SessionEndReason } from "../kernel/error-reasons.ts";
import { hashToken } from "../kernel/token-hash.ts";
import { createHash } from "node:crypto";
import { describeDevice } from "../kernel/device-label.ts";
import { NotFoundError } from "../kernel/errors.ts";
import { SESSION_TOKEN_BYTES } from "../kernel/limits.ts";

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
 * What a cookie's token stands for: the live session, or none and why (issue 21 item 3) — the
 * reason the session ended, null when there was none to end (no cookie, an unknown token).
 */
export type SessionCheckResult = { live: AuthenticatedSession } | { live: null; endedBecause: SessionEndReason | null };

/**
 * How often last-seen is written. Writing it on every request would make each page view
 * a write; a tenth of the idle timeout (at most a minute) keeps that rare while a session
 * in use is never ended early: its stored last-seen lags the real one by under a tenth.
 */
export function touchIntervalMs(idleSeconds: number): number {
  return Math.min(60_000, (idleSeconds * 1000) / 10);
}

/** A live session as ご利用中の端末 lists it. */
export interface LiveSession {
  /** Names the session in the list and the API; derived from the stored hash, never the token. */
  id: string;
  createdAt: number;
  lastSeenAt: number;
  ip: string;
  device: string;
  /** The session making this request ("この端末"). */
  current: boolean;
}

/** A stable public name for a session: a hash of its stored hash, so neither the token nor the row key leaves. */
export function sessionPublicId(idHash: string): string {
  return createHash("sha256").update(`okb session id\u0000${idHash}`).digest("base64url").slice(0, 22);
}

/** An access token on the JSON API (`Authorization: Bearer`, issue 20): the session it stands for, or null. */
export interface BearerCheck {
  authenticate(token: string): Promise<AuthenticatedSession | null>;
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
    /** The OpenID Provider's access tokens (core/oidc/bearer-sessions.ts); absent: no bearer is accepted. */
    bearer?: BearerCheck;
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
    await this.recordStart(customerId, authMethods, context, prepared.session.idHash);
    return prepared.token;
  }

  /**
   * Audits a session created (by `start`, or by the code step's transaction), with its public ID:
   * ログイン履歴 finds by it the services this login was given to (`oidc.connected`, issue 20 item 8).
   */
  recordStart(customerId: string, authMethods: string[], context: RequestContext, idHash: string): Promise<void> {
    return auditCustomerEvent(this.deps.audit, context, "session.created", "ok", customerId, { authMethods: authMethods.join(" "), sessionId: sessionPublicId(idHash) });
  }

  /** The live session behind a cookie token, or why there is none (unknown, ended, idle or too old). */
  async authenticate(token: string | undefined, context: RequestContext): Promise<SessionCheckResult> {
    if (token === undefined || token === "") {
      return { live: null, endedBecause: null };
    }
    const { sessions, customers, clock, settings } = this.deps;
    const idHash = hashToken(token);
    const session = await sessions.find(idHash);
    if (session === null) {
      // Ended already (or never ours): the rare path, so the reason is read only here.
      return { live: null, endedBecause: await sessions.endReason(idHash) };
    }
    const now = clock.now();
    const expiry = this.expiry(session, now);
    if (expiry.expired) {
      return this.endFound(session, expiry.reason, context);
    }
    const customer = await customers.findById(session.customerId);
    if (customer === null) {
      return { live: null, endedBecause: null };
    }
    // A lock or a freeze ends every session when it lands; a login racing it (a passkey, or a
    // password with MFA off, read just before) may still have made one: it ends here.
    if (customer.lockedAt !== null || customer.frozenAt !== null) {
      return this.endFound(session, customer.lockedAt !== null ? "account_locked" : "account_frozen", context);
    }
    if (now - session.lastSeenAt >= touchIntervalMs(settings.idleSeconds)) {
      await sessions.touch(idHash, now);
    }
    return { live: { session, customer } };
  }

  /** The session an access token stands for (`Authorization: Bearer` on the JSON API); none without a bearer check. */
  async authenticateBearer(token: string): Promise<SessionCheckResult> {
    const live = this.deps.bearer === undefined || token === "" ? null : await this.deps.bearer.authenticate(token);
    return live === null ? { live: null, endedBecause: null } : { live };
  }

  /** Ends a session `authenticate` found ended in fact (a timeout, a lock or freeze it raced), audited. */
  private async endFound(session: Session, reason: "idle_timeout" | "absolute_timeout" | "account_locked" | "account_frozen", context: RequestContext): Promise<SessionCheckResult> {
    await this.deps.sessions.end(session.idHash, this.deps.clock.now(), reason);
    await auditCustomerEvent(this.deps.audit, context, "session.ended", "info", session.customerId, { reason });
    return { live: null, endedBecause: reason };
  }

  /** Ends every session of the customer (a lock, and later a freeze or an operator's action); audited with the reason. */
  async endAll(customerId: string, reason: "account_locked", context: RequestContext): Promise<number> {
    const ended = await this.deps.sessions.endAllForCustomer(customerId, this.deps.clock.now(), reason);
    if (ended > 0) {
      await auditCustomerEvent(this.deps.audit, context, "session.ended", "info", customerId, { reason, sessions: ended });
    }
    return ended;
  }

  /** ご利用中の端末: the customer's live sessions, newest first, "この端末" marked. */
  async listLive(current: AuthenticatedSession): Promise<LiveSession[]> {
    const live = await this.liveSessionsOf(current.customer.id);
    return live.map((session) => ({
      id: sessionPublicId(session.idHash),
      createdAt: session.createdAt,
      lastSeenAt: session.lastSeenAt,
      ip: session.ip,
      device: describeDevice(session.userAgent),
      current: session.idHash === current.session.idHash,
    }));
  }

  /** A customer's sessions neither ended nor timed out, newest first (also what the call center sees). */
  async liveSessionsOf(customerId: string): Promise<Session[]> {
    const now = this.deps.clock.now();
    const open = await this.deps.sessions.listOpen(customerId);
    return open.filter((session) => !this.expiry(session, now).expired);
  }

  /** Ends one of the customer's own sessions by its public ID; [4040] when there is no such live session. */
  async endOne(current: AuthenticatedSession, publicId: string, context: RequestContext): Promise<{ wasCurrent: boolean }> {
    const open = await this.deps.sessions.listOpen(current.customer.id);
    const target = open.find((session) => sessionPublicId(session.idHash) === publicId);
    if (target === undefined) {
      throw new NotFoundError(`no live session ${publicId.slice(0, 40)} of customer ${current.customer.id}`);
    }
    const wasCurrent = target.idHash === current.session.idHash;
    // Ending this very session is logging out; any other was ended from another device.
    await this.deps.sessions.end(target.idHash, this.deps.clock.now(), wasCurrent ? "logged_out" : "ended_by_customer");
    await auditCustomerEvent(this.deps.audit, context, "session.ended", "ok", current.customer.id, { reason: "ended_by_customer", sessionId: publicId });
    return { wasCurrent };
  }

  /** Ends every session of the customer but this one (a phone left logged in somewhere). */
  async endOthers(current: AuthenticatedSession, context: RequestContext): Promise<number> {
    const ended = await this.deps.sessions.endAllForCustomer(current.customer.id, this.deps.clock.now(), "ended_by_customer", { except: current.session.idHash });
    await auditCustomerEvent(this.deps.audit, context, "session.ended", "ok", current.customer.id, { reason: "others_ended_by_customer", sessions: ended });
    return ended;
  }

  /**
   * Whether a session has run out at `now`: idle or absolute timeout (OWASP ASVS 3.3); the reason
   * is the limit it reached first, so a session left idle long ago says so however old it is now.
   */
  private expiry(session: Session, now: number): { expired: false } | { expired: true; reason: "idle_timeout" | "absolute_timeout" } {
    const { settings } = this.deps;
    const idleEnd = session.lastSeenAt + settings.idleSeconds * 1000;
    const absoluteEnd = session.createdAt + settings.absoluteSeconds * 1000;
    if (now < Math.min(idleEnd, absoluteEnd)) {
      return { expired: false };
    }
    return { expired: true, reason: idleEnd < absoluteEnd ? "idle_timeout" : "absolute_timeout" };
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
    await this.deps.sessions.end(idHash, this.deps.clock.now(), "logged_out");
    await auditCustomerEvent(this.deps.audit, context, "session.ended", "ok", session.customerId, { reason: "logout" });
  }
}
