import type { Clock, Random } from "../../kernel/ports.ts";
import type { AuditLog } from "../../kernel/ports-audit.ts";
import type { Operator, OperatorSession, OperatorSessionStore, OperatorStore } from "./ports-operator.ts";
import type { RequestContext } from "../../kernel/request-context.ts";
import { hashToken } from "../../kernel/token-hash.ts";
import { OPERATOR_SESSION_ABSOLUTE_SECONDS, OPERATOR_SESSION_IDLE_SECONDS, SESSION_TOKEN_BYTES } from "../../kernel/limits.ts";

export interface AuthenticatedOperator {
  session: OperatorSession;
  operator: Operator;
}

/** Last-seen is written at most this often (as session.ts: a tenth of the idle timeout). */
const TOUCH_INTERVAL_MS = (OPERATOR_SESSION_IDLE_SECONDS * 1000) / 10;

/**
 * Console sessions (DESIGN §5): a random 256-bit token in the console cookie, only its
 * SHA-256 stored; 15 minutes idle, 12 hours absolute; a disabled operator's sessions end
 * at the next request, whatever their age.
 */
export class OperatorSessions {
  private readonly deps: { operatorSessions: OperatorSessionStore; operators: OperatorStore; clock: Clock; random: Random; audit: AuditLog };

  constructor(deps: OperatorSessions["deps"]) {
    this.deps = deps;
  }

  /** A new session for `operatorId`; the token goes into the cookie and nowhere else. */
  async start(operatorId: string): Promise<string> {
    const now = this.deps.clock.now();
    const token = this.deps.random.token(SESSION_TOKEN_BYTES);
    await this.deps.operatorSessions.create({ idHash: hashToken(token), operatorId, createdAt: now, lastSeenAt: now });
    return token;
  }

  /** The live session behind a cookie token and its operator, or null (unknown, ended, timed out, operator disabled). */
  async authenticate(token: string | undefined, context: RequestContext): Promise<AuthenticatedOperator | null> {
    if (token === undefined || token === "") {
      return null;
    }
    const { operatorSessions, operators, clock } = this.deps;
    const idHash = hashToken(token);
    const session = await operatorSessions.find(idHash);
    if (session === null) {
      return null;
    }
    const now = clock.now();
    const operator = await operators.findById(session.operatorId);
    const reason = this.endReason(session, operator, now);
    if (reason !== null || operator === null) {
      await operatorSessions.end(idHash, now);
      await this.audit(context, session.operatorId, "info", { reason: reason ?? "operator_unknown" });
      return null;
    }
    if (now - session.lastSeenAt >= TOUCH_INTERVAL_MS) {
      await operatorSessions.touch(idHash, now);
    }
    return { session, operator };
  }

  /** Logout: the session ends on the server. */
  async end(token: string | undefined, context: RequestContext): Promise<void> {
    if (token === undefined || token === "") {
      return;
    }
    const idHash = hashToken(token);
    const session = await this.deps.operatorSessions.find(idHash);
    if (session === null) {
      return;
    }
    await this.deps.operatorSessions.end(idHash, this.deps.clock.now());
    await this.audit(context, session.operatorId, "ok", { reason: "logout" });
  }

  /** Why a session must end now (OWASP ASVS 3.3; DESIGN §5: a disabled operator at once), or null. */
  private endReason(session: OperatorSession, operator: Operator | null, now: number): "operator_disabled" | "operator_locked" | "absolute_timeout" | "idle_timeout" | null {
    if (operator !== null && operator.disabledAt !== null) {
      return "operator_disabled";
    }
    // As a customer's lock ends their sessions: someone is guessing this operator's factors.
    if (operator !== null && operator.lockedAt !== null) {
      return "operator_locked";
    }
    if (now >= session.createdAt + OPERATOR_SESSION_ABSOLUTE_SECONDS * 1000) {
      return "absolute_timeout";
    }
    if (now >= session.lastSeenAt + OPERATOR_SESSION_IDLE_SECONDS * 1000) {
      return "idle_timeout";
    }
    return null;
  }

  private audit(context: RequestContext, operatorId: string, outcome: "ok" | "info", detail: Record<string, string>): Promise<void> {
    return this.deps.audit.record({
      event: "operator.session_ended",
      outcome,
      customerId: null,
      actor: operatorId,
      ip: context.ip,
      userAgent: context.userAgent,
      requestId: context.requestId,
      detail,
    });
  }
}
