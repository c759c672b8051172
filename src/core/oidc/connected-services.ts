import type { Clock } from "../kernel/ports.ts";
import type { AuditLog } from "../kernel/ports-audit.ts";
import type { PublicMessage } from "../kernel/errors.ts";
import type { RequestContext } from "../kernel/request-context.ts";
import type { AuthenticatedSession } from "../login/session.ts";
import type { ConnectedService, OidcClientStore, OidcConnection, OidcConnectionStore } from "./ports-oidc.ts";
import { auditCustomerEvent } from "../kernel/audit.ts";
import { InvalidInputError } from "../kernel/errors.ts";
import { sessionPublicId } from "../login/session.ts";

export interface ConnectedServicesDeps {
  connections: Pick<OidcConnectionStore, "record" | "listServices" | "endForClient">;
  clients: Pick<OidcClientStore, "find">;
  audit: AuditLog;
  clock: Clock;
}

const NOT_CONNECTED: PublicMessage = {
  ja: "このサービスとは連携していません。すでに連携が解除されている可能性があります。",
  en: "This service is not connected to your account. The connection may have ended already.",
};

/**
 * [4000] `not_connected`: ending a connection to a client the customer is not connected to (an
 * unknown client ID, or one ended meanwhile in another tab or by the call center); nothing was
 * changed. `message` for the console, whose words name the customer.
 */
export function notConnected(detail: string, message: PublicMessage = NOT_CONNECTED): InvalidInputError {
  return new InvalidInputError(detail, { reason: "not_connected", message });
}

/**
 * 「連携中のサービス」 (issue 20 item 8): which relying parties hold a grant through the customer's
 * sessions, the customer ending one of them, and the record of each authorization the provider
 * grants. Ending a connection ends only that client's tokens (and tells it by back-channel logout,
 * the store's work): okb-login's own sessions go on.
 */
export class ConnectedServices {
  private readonly deps: ConnectedServicesDeps;

  constructor(deps: ConnectedServicesDeps) {
    this.deps = deps;
  }

  /** The customer's live connections, one line per client, the most recently used first. */
  list(customerId: string): Promise<ConnectedService[]> {
    return this.deps.connections.listServices(customerId);
  }

  /**
   * The customer ends every live connection to `clientId` (ご利用中の端末, the JSON API): its tokens
   * stop working at once and the client hears of it. Not connected: [4000] `not_connected`.
   * Audited `oidc.connection_ended` with the client and how many connections (sessions) ended.
   */
  async end(current: AuthenticatedSession, clientId: string, context: RequestContext): Promise<{ ended: number }> {
    const { connections, audit, clock } = this.deps;
    const customerId = current.customer.id;
    const service = (await connections.listServices(customerId)).find((line) => line.clientId === clientId);
    if (service === undefined) {
      throw notConnected(`customer ${customerId}: no live connection to ${JSON.stringify(clientId.slice(0, 64))}`);
    }
    const ended = await connections.endForClient(customerId, clientId, clock.now(), "ended_by_customer");
    if (ended === 0) {
      // Ended between the read and the end (another tab, the call center): nothing was changed here.
      throw notConnected(`customer ${customerId}: the connection to ${clientId} ended meanwhile`);
    }
    await auditCustomerEvent(audit, context, "oidc.connection_ended", "ok", customerId, { clientId, clientName: service.clientName, connections: ended, endedBy: "customer" });
    return { ended };
  }

  /**
   * Records the connection an authorization code stands for (OidcConnectionStore.record) and, when
   * recorded, audits `oidc.connected`: the client was given this login. The session's public ID in
   * the detail is how ログイン履歴 shows, beside a login, the services it was given to; the client's
   * name is kept as it was then (a client renamed or removed later does not rewrite the history).
   */
  async record(connection: OidcConnection, context: RequestContext): Promise<boolean> {
    const { connections, clients, audit } = this.deps;
    const recorded = await connections.record(connection);
    if (recorded) {
      const client = await clients.find(connection.clientId);
      await auditCustomerEvent(audit, context, "oidc.connected", "ok", connection.customerId, {
        clientId: connection.clientId,
        clientName: client?.name ?? connection.clientId,
        sessionId: sessionPublicId(connection.sessionIdHash),
      });
    }
    return recorded;
  }
}
