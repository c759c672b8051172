import type { AuthenticatedSession, BearerCheck } from "../login/session.ts";
import type { Clock, CustomerStore, SessionStore } from "../kernel/ports.ts";
import type { AccessTokenVerifier, OidcConnectionStore } from "./ports-oidc.ts";

/** A connection's last use is written at most this often (the API is called on every screen of the app). */
const TOUCH_INTERVAL_MS = 60_000;

export interface BearerSessionDeps {
  verifier: AccessTokenVerifier;
  connections: Pick<OidcConnectionStore, "findLive" | "touchGrant">;
  sessions: Pick<SessionStore, "find">;
  customers: Pick<CustomerStore, "findById">;
  clock: Clock;
}

/**
 * `Authorization: Bearer` on the JSON API (issue 20 item 7): an access token the provider issued for
 * PUBLIC_URL/api stands for the okb-login session its connection came through, with the same
 * answers as that session's cookie. A token whose connection has ended (a logout, ご利用中の端末, the
 * call center, a lock …), whose grant was revoked, of another audience or expired is no session: [4010].
 * The session's idle and absolute timeouts do not apply: the token's own short lifetime does, and a
 * refresh token (offline_access, the app) outlives the browser's session by design.
 */
export class BearerSessions implements BearerCheck {
  private readonly deps: BearerSessionDeps;

  constructor(deps: BearerSessionDeps) {
    this.deps = deps;
  }

  async authenticate(token: string): Promise<AuthenticatedSession | null> {
    const { verifier, connections, sessions, customers, clock } = this.deps;
    const claims = await verifier.verify(token);
    if (claims === null) {
      return null;
    }
    const now = clock.now();
    const connection = await connections.findLive(claims.clientId, claims.sid, now);
    if (connection === null || connection.customerId !== claims.customerId) {
      return null;
    }
    const session = await sessions.find(connection.sessionIdHash);
    const customer = await customers.findById(claims.customerId);
    if (session === null || customer === null || customer.lockedAt !== null || customer.frozenAt !== null) {
      return null;
    }
    if (now - connection.lastUsedAt >= TOUCH_INTERVAL_MS) {
      await connections.touchGrant(connection.grantId, now);
    }
    return { session, customer };
  }
}
