/**
 * The ports of the OpenID Provider (issue 20): the relying parties registered from the CLI, the
 * connections (a grant a client holds through one okb-login session) and the back-channel logout
 * deliveries still to make. The protocol itself is oidc-provider's (src/adapters/oidc); the core
 * keeps what the customer, the call center and the session's end need.
 */

/** A registered relying party. */
export interface OidcClient {
  clientId: string;
  /** Shown to the customer (「連携中のサービス」) and the call center. */
  name: string;
  /** SHA-256 (hex) of the secret; null for a public client (the app, PKCE only). */
  secretHash: string | null;
  /** Exact URIs (no fragment; https, or http on localhost). */
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  backchannelLogoutUri: string | null;
  createdAt: number;
  secretRotatedAt: number | null;
}

export interface OidcClientStore {
  /** false when the client ID is taken (nothing written). */
  add(client: OidcClient): Promise<boolean>;
  find(clientId: string): Promise<OidcClient | null>;
  /** Oldest first. */
  list(): Promise<OidcClient[]>;
  /** false for an unknown client ID. */
  remove(clientId: string): Promise<boolean>;
  /** false for an unknown client ID or a public client (it has no secret). */
  replaceSecret(clientId: string, secretHash: string, at: number): Promise<boolean>;
}

/** A grant a client holds through one okb-login session. */
export interface OidcConnection {
  id: string;
  customerId: string;
  clientId: string;
  grantId: string;
  /** The `sid` of the ID tokens the client received (the back-channel logout token carries it). */
  sid: string;
  sessionIdHash: string;
  createdAt: number;
  lastUsedAt: number;
}

/** A connection as the customer and the call center see it: one line per client. */
export interface ConnectedService {
  clientId: string;
  clientName: string;
  /** The first live connection's start. */
  since: number;
  lastUsedAt: number;
}

/** Why a connection ended: a session's end reason, or one of these. */
export type ConnectionEndReason = "ended_by_customer" | "revoked_by_operator" | "client_removed" | string;

export interface OidcConnectionStore {
  /**
   * Records the connection; one that exists for the same grant and session is touched instead.
   * false when nothing is live to record: the session has ended (a logout racing the grant), or
   * this grant's connection for it was ended (never revived); the grant must then be refused.
   */
  record(connection: OidcConnection): Promise<boolean>;
  /**
   * The live connection of this client and sid whose grant the provider still holds (not revoked,
   * not expired); null otherwise. What an access token on the JSON API stands for.
   */
  findLive(clientId: string, sid: string, now: number): Promise<OidcConnection | null>;
  /** A token of the grant was used (refresh, userinfo, the API). */
  touchGrant(grantId: string, at: number): Promise<void>;
  /** The live connections of the customer, one line per client, newest use first. */
  listServices(customerId: string): Promise<ConnectedService[]>;
  /** Is any live connection of this grant left? (A token of an ended connection is refused.) */
  isGrantLive(grantId: string): Promise<boolean>;
  /**
   * Ends the customer's live connections to the client: in one transaction their grants' tokens
   * are deleted and a back-channel logout is queued for each sid. How many ended (0: none was live).
   */
  endForClient(customerId: string, clientId: string, at: number, reason: ConnectionEndReason): Promise<number>;
}

/** What a valid access token for the JSON API says (RFC 9068): whose it is, which client holds it, through which session. */
export interface AccessTokenClaims {
  customerId: string;
  clientId: string;
  sid: string;
}

/** Checks an access token's signature, issuer, audience (PUBLIC_URL/api), lifetime and scope; null when any fails. */
export interface AccessTokenVerifier {
  verify(token: string): Promise<AccessTokenClaims | null>;
}

// The connections join the transaction of a change made with its mail (MailOutbox.queueWith): the
// call center's revocation and its notice commit together (console/connection-revocation.ts).
declare module "../kernel/ports.ts" {
  interface AtomicStores {
    oidcConnections: OidcConnectionStore;
  }
}
