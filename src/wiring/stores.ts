import type { Config } from "../config.ts";
import type { ChallengeStore, Clock, CustomerStore, LoginHistoryStore, MailOutbox, PasswordHasher, Random, SessionStore } from "../core/kernel/ports.ts";
import type { StepUpStore, KnownDeviceStore } from "../core/login/ports-account.ts";
import type { OperatorStore, OperatorSessionStore } from "../core/console/operators/ports-operator.ts";
import type { SecurityRequestStore, EmailVerificationStore } from "../core/console/security-requests/ports-security-requests.ts";
import type { DatabaseHandle } from "../adapters/db/connect.ts";
import type { AuditStore } from "../adapters/db/audit-store.ts";
import type { AuditQuery, CustomerDirectory, MailDeliveryLog } from "../core/console/ports-console-read.ts";
import type { PasskeyStore, WebAuthnChallengeStore } from "../core/passkeys/ports-passkey.ts";
import type { TradingPinStore } from "../core/trading-pin/ports-trading-pin.ts";
import type { OidcClientStore, OidcConnectionStore } from "../core/oidc/ports-oidc.ts";
import type { OutboxStore } from "../adapters/db/outbox-store.ts";
import { createAuditStore } from "../adapters/db/audit-store.ts";
import { createChallengeStore } from "../adapters/db/stores/challenge-store.ts";
import { createCustomerStore } from "../adapters/db/stores/customer-store.ts";
import { createMailOutbox } from "../adapters/db/mail-outbox.ts";
import { createOutboxStore } from "../adapters/db/outbox-store.ts";
import { createLoginHistoryStore, createSessionStore } from "../adapters/db/stores/session-store.ts";
import { createOidcConnectionStore } from "../adapters/db/stores/oidc-connection-store.ts";
import { createOidcLogoutDeliveryStore } from "../adapters/db/stores/oidc-logout-delivery-store.ts";
import type { OidcLogoutDeliveryStore } from "../adapters/db/stores/oidc-logout-delivery-store.ts";
import { createStepUpStore } from "../adapters/db/stores/step-up-store.ts";
import { createKnownDeviceStore } from "../adapters/db/stores/known-device-store.ts";
import { createOperatorStore } from "../adapters/db/stores/operator-store.ts";
import { createOperatorSessionStore } from "../adapters/db/stores/operator-session-store.ts";
import { createCustomerDirectory } from "../adapters/db/stores/customer-directory.ts";
import { createMailDeliveryLog } from "../adapters/db/mail-delivery-log.ts";
import { createAuditQuery } from "../adapters/db/audit-query.ts";
import { createDashboardQuery } from "../adapters/db/dashboard-query.ts";
import type { DashboardQuery } from "../core/console/dashboard/ports-dashboard.ts";
import { createSecurityRequestStore } from "../adapters/db/stores/security-request-store.ts";
import { createEmailVerificationStore } from "../adapters/db/stores/email-verification-store.ts";
import { createPasskeyStore } from "../adapters/db/stores/passkey-store.ts";
import { createWebAuthnChallengeStore } from "../adapters/db/stores/webauthn-challenge-store.ts";
import { createConfirmationStore } from "../adapters/db/stores/confirmation-store.ts";
import type { ConfirmationStore } from "../core/confirmations/ports-confirmation.ts";
import { createTradingPinStore } from "../adapters/db/stores/trading-pin-store.ts";
import { createOidcClientStore } from "../adapters/db/stores/oidc-client-store.ts";
import { createArgon2Hasher } from "../adapters/crypto/argon2-hasher.ts";
import { createKeyringSealer } from "../adapters/crypto/body-sealer.ts";
import { deriveKeyring } from "../adapters/crypto/keyring.ts";

/** Every store on one database, as the server, the CLI and the tests use them. */
export interface Stores {
  customers: CustomerStore;
  challenges: ChallengeStore;
  sessions: SessionStore;
  history: LoginHistoryStore;
  /** Fresh emailed codes for sensitive changes (password change). */
  stepUps: StepUpStore;
  /** Devices each account has logged in from (login notices). */
  knownDevices: KnownDeviceStore;
  /** The call center's operators (their TOTP secrets sealed with their own key). */
  operators: OperatorStore;
  /** The console's sessions (hashed tokens). */
  operatorSessions: OperatorSessionStore;
  /** Security requests (issue 17): MFA off, a new 重要メール, パスキー必須 off; four eyes and a waiting period. */
  securityRequests: SecurityRequestStore;
  /** Codes verifying a new 重要メール before its request is made. */
  emailVerifications: EmailVerificationStore;
  /** Operation-bound confirmations for the trading site (issue 13 §5). */
  confirmations: ConfirmationStore;
  /** Trading PINs (取引暗証番号, issue 13): hashes, their own failure counts and locks. */
  tradingPins: TradingPinStore;
  /** Customers' passkeys and パスキー必須 (issue 13). */
  passkeys: PasskeyStore;
  /** WebAuthn challenges kept server-side (hashed, bound, taken once). */
  webauthnChallenges: WebAuthnChallengeStore;
  /** The OpenID Provider's relying parties, registered from the CLI (issue 20). */
  oidcClients: OidcClientStore;
  /** Which client holds a grant through which session (「連携中のサービス」), ended with it. */
  oidcConnections: OidcConnectionStore;
  /** Back-channel logouts still to deliver (the delivery worker's side). */
  oidcLogoutDeliveries: OidcLogoutDeliveryStore;
  /** The append-only audit log (the server counts its events for /metrics on top). */
  audit: AuditStore;
  /** The console's read side: customer search, a customer's mails and their delivery, the audit log by filters. */
  customerDirectory: CustomerDirectory;
  mailDeliveries: MailDeliveryLog;
  auditQuery: AuditQuery;
  /** The operations dashboard's grouped counts (issue 22 §2). */
  dashboardQuery: DashboardQuery;
  /** The delivery side of the outbox: what the worker claims and marks. */
  outbox: OutboxStore;
  /** The core's way to queue mail; `wake` is told once a mail is committed. */
  mailOutbox(wake: () => void): MailOutbox;
}

/**
 * The one place that knows how the stores are built (STYLE 4): tables, the outbox's
 * sealing keys (HKDF from SERVER_SECRETS, current first: outbox bodies, operators' TOTP secrets), the time and randomness they stamp rows with.
 */
export function buildStores(
  database: DatabaseHandle,
  config: Pick<Readonly<Config>, "serverSecrets">,
  time: { clock: Clock; random: Random },
  // Told when a session's end queued a back-channel logout (the delivery worker's notify), in a change with its mail too.
  wakes: { logoutQueued?: () => void } = {},
): Stores {
  const sealer = createKeyringSealer(deriveKeyring(config.serverSecrets, "outbox-seal"));
  return {
    customers: createCustomerStore(database.db),
    challenges: createChallengeStore(database.db),
    sessions: createSessionStore(database.db, { onLogoutQueued: wakes.logoutQueued }),
    history: createLoginHistoryStore(database.db),
    stepUps: createStepUpStore(database.db),
    knownDevices: createKnownDeviceStore(database.db),
    operators: createOperatorStore(database.db, createKeyringSealer(deriveKeyring(config.serverSecrets, "operator-totp"))),
    operatorSessions: createOperatorSessionStore(database.db),
    securityRequests: createSecurityRequestStore(database.db),
    emailVerifications: createEmailVerificationStore(database.db),
    passkeys: createPasskeyStore(database.db),
    webauthnChallenges: createWebAuthnChallengeStore(database.db),
    oidcClients: createOidcClientStore(database.db, time.clock),
    oidcConnections: createOidcConnectionStore(database.db, { onLogoutQueued: wakes.logoutQueued }),
    oidcLogoutDeliveries: createOidcLogoutDeliveryStore(database.db, database.dialect),
    confirmations: createConfirmationStore(database.db),
    tradingPins: createTradingPinStore(database.db),
    audit: createAuditStore(database.db, time.clock, time.random),
    customerDirectory: createCustomerDirectory(database.db),
    mailDeliveries: createMailDeliveryLog(database.db),
    auditQuery: createAuditQuery(database.db),
    dashboardQuery: createDashboardQuery(database.db),
    outbox: createOutboxStore(database.db, database.dialect, sealer),
    mailOutbox: (wake) => createMailOutbox(database.db, sealer, wake, { onLogoutQueued: wakes.logoutQueued }),
  };
}

/** argon2id with the configured cost; the server puts its hash gate (load shedding) in front. */
export function buildPasswordHasher(config: Pick<Readonly<Config>, "argon2">): PasswordHasher {
  return createArgon2Hasher(config.argon2);
}
