import { randomBytes } from "node:crypto";
import type { LoggedIn, PendingLogin } from "./okb-login.ts";

/** This site's own session: at most as long as a trading day. */
const SESSION_MS = 8 * 60 * 60 * 1000;

export interface SiteSession {
  id: string;
  createdAt: number;
  /** Between the redirect to okb-login and the callback (state, nonce, PKCE verifier). */
  pending: PendingLogin | null;
  customer: LoggedIn | null;
  /** Why the customer is no longer logged in here, for the page to say. */
  endedBy: "okb-login" | "logout" | null;
}

/**
 * The site's sessions, in memory (one process; several instances would keep them in Redis or a
 * database). The browser holds only a random ID in an HttpOnly cookie; everything else stays here.
 */
export class SiteSessions {
  private readonly byId = new Map<string, SiteSession>();

  find(id: string | undefined): SiteSession | null {
    const session = id === undefined ? undefined : this.byId.get(id);
    if (session === undefined || Date.now() - session.createdAt > SESSION_MS) {
      return null;
    }
    return session;
  }

  create(): SiteSession {
    for (const [id, old] of this.byId) {
      if (Date.now() - old.createdAt > SESSION_MS) {
        this.byId.delete(id);
      }
    }
    const session: SiteSession = { id: randomBytes(32).toString("base64url"), createdAt: Date.now(), pending: null, customer: null, endedBy: null };
    this.byId.set(session.id, session);
    return session;
  }

  /** A new ID for the same session once the customer logs in (no session fixation). */
  renew(session: SiteSession): SiteSession {
    this.byId.delete(session.id);
    const renewed = { ...session, id: randomBytes(32).toString("base64url") };
    this.byId.set(renewed.id, renewed);
    return renewed;
  }

  /**
   * A back-channel logout: every session of ours logged in through that okb-login session ends.
   * Idempotent, so a logout token delivered twice does no harm. Returns how many ended.
   */
  endByOkbSession(sub: string | undefined, sid: string): number {
    let ended = 0;
    for (const session of this.byId.values()) {
      const claims = session.customer?.claims;
      if (claims !== undefined && claims.sid === sid && (sub === undefined || claims.sub === sub)) {
        session.customer = null;
        session.endedBy = "okb-login";
        ended += 1;
      }
    }
    return ended;
  }
}
