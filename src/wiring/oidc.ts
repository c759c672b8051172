import type { Logger } from "pino";
import type { AdapterFactory } from "oidc-provider";
import type { Config } from "../config.ts";
import type { Clock, Customer } from "../core/kernel/ports.ts";
import type { AuditLog } from "../core/kernel/ports-audit.ts";
import { BearerSessions } from "../core/oidc/bearer-sessions.ts";
import { ConnectedServices } from "../core/oidc/connected-services.ts";
import { createAccessTokenVerifier } from "../adapters/crypto/access-token-verifier.ts";
import { publicHalves } from "../adapters/crypto/oidc-signing-keys.ts";
import { createKeyringSealer } from "../adapters/crypto/body-sealer.ts";
import { deriveKeyring } from "../adapters/crypto/keyring.ts";
import { DEFAULT_LOGOUT_DELIVERY_SETTINGS, LogoutDeliveryWorker } from "../adapters/oidc/logout-delivery-worker.ts";
import type { LogoutDeliverySettings } from "../adapters/oidc/logout-delivery-worker.ts";
import { logoutTokenSender } from "../adapters/oidc/logout-token-sender.ts";
import { purgeExpiredOidcPayloads } from "../adapters/oidc/purge-expired-payloads.ts";
import { createOidcAdapterFactory } from "../adapters/oidc/payload-adapter.ts";
import { clientMetadata } from "../adapters/oidc/client-metadata.ts";
import type { Stores } from "./stores.ts";
import type { DatabaseHandle } from "../adapters/db/connect.ts";
import { deriveKey } from "../adapters/crypto/derive-key.ts";
import { loadOrCreateSigningKey } from "../adapters/crypto/confirmation-key-file.ts";
import { oidcSigningKeys } from "../adapters/crypto/oidc-signing-keys.ts";
import type { SigningJwk } from "../adapters/crypto/oidc-signing-keys.ts";

/** The OpenID Provider's settings as the web layer's oidc plugin takes them (src/web/oidc/provider-setup.ts). */
export interface OidcProviderSettings {
  issuer: string;
  apiResource: string;
  signingKeys: SigningJwk[];
  cookieKeys: string[];
  sessionSeconds: number;
  proxy: boolean;
}

/**
 * Keys from OIDC_SIGNING_KEY (production; every instance the same) or, in development, the key
 * file beside the database, created on first start; `warnings` says what the start should log.
 */
export async function oidcProviderSettings(config: Readonly<Config>): Promise<{ settings: OidcProviderSettings; warnings: string[] }> {
  const warnings: string[] = [];
  let pem: string;
  if ("pem" in config.oidc.signingKey) {
    pem = config.oidc.signingKey.pem;
  } else {
    const loaded = loadOrCreateSigningKey(config.oidc.signingKey.file);
    pem = loaded.pem;
    if (loaded.created) {
      warnings.push(`created an OpenID Provider signing key in ${config.oidc.signingKey.file} (development; set OIDC_SIGNING_KEY in production)`);
    }
    if (loaded.warning !== null) {
      warnings.push(loaded.warning.replace("the confirmation signing key", "the OpenID Provider's signing key"));
    }
  }
  return {
    settings: {
      issuer: config.oidc.issuer,
      apiResource: config.oidc.apiResource,
      signingKeys: await oidcSigningKeys(pem, config.oidc.previousSigningKeys),
      // oidc-provider signs cookies with the first key and accepts every one: a rotation keeps its sessions.
      cookieKeys: config.serverSecrets.map((secret) => deriveKey(secret, "oidc-cookies").toString("base64url")),
      sessionSeconds: config.session.absoluteSeconds,
      proxy: config.trustProxy !== false,
    },
    warnings,
  };
}

/** The key that signs (the first); the others are only published. */
export function currentKey(keys: readonly SigningJwk[]): SigningJwk {
  const [first] = keys;
  if (first === undefined) {
    throw new Error("the OpenID Provider has no signing key");
  }
  return first;
}

/** What the server takes from the OpenID Provider's wiring. */
export interface OpenIdProvider {
  /** Access tokens on the JSON API (SessionService's `bearer`). */
  bearer: BearerSessions;
  /** 「連携中のサービス」: listed and ended by the customer (ご利用中の端末, the JSON API); each authorization recorded and audited. */
  connectedServices: ConnectedServices;
  logoutWorker: LogoutDeliveryWorker;
  /** The oidc plugin's options but the brand, clock and sessions (src/web/oidc/oidc-plugin.ts). */
  web: {
    settings: OidcProviderSettings;
    adapter: AdapterFactory;
    findCustomer(id: string): Promise<Customer | null>;
    connections: ConnectedServices;
    hasPasskey(customerId: string): Promise<boolean>;
  };
  /** Stops the delivery worker and the purge. */
  stop(): Promise<void>;
}

/**
 * The OpenID Provider's parts (issue 20): keys, the adapter over our database (payloads sealed with
 * a key of SERVER_SECRET), the bearer check of the JSON API, the back-channel logout worker and the
 * purge of expired rows every 10 minutes.
 */
export async function buildOpenIdProvider(
  config: Readonly<Config>,
  stores: Stores,
  database: DatabaseHandle,
  deps: { clock: Clock; logger: Logger; audit: AuditLog; logoutDelivery?: Partial<LogoutDeliverySettings> },
): Promise<OpenIdProvider> {
  const { clock, logger } = deps;
  const { settings, warnings } = await oidcProviderSettings(config);
  for (const warning of warnings) {
    logger.warn(warning);
  }
  const bearer = new BearerSessions({
    verifier: createAccessTokenVerifier({ issuer: settings.issuer, audience: settings.apiResource, publicKeys: publicHalves(settings.signingKeys) }),
    connections: stores.oidcConnections,
    sessions: stores.sessions,
    customers: stores.customers,
    clock,
  });
  const connectedServices = new ConnectedServices({ connections: stores.oidcConnections, clients: stores.oidcClients, audit: deps.audit, clock });
  const logoutSettings = { ...DEFAULT_LOGOUT_DELIVERY_SETTINGS, ...deps.logoutDelivery };
  const logoutWorker = new LogoutDeliveryWorker({
    store: stores.oidcLogoutDeliveries,
    deliver: logoutTokenSender({ issuer: settings.issuer, signingKey: currentKey(settings.signingKeys), clients: stores.oidcClients, clock, timeoutMs: logoutSettings.sendTimeoutMs }),
    clock,
    logger,
    settings: logoutSettings,
  });
  const purgeTimer = setInterval(() => {
    purgeExpiredOidcPayloads(database.db, clock.now()).catch((error: unknown) => logger.warn({ err: error }, "OpenID Provider purge failed"));
  }, 10 * 60_000);
  purgeTimer.unref();
  return {
    bearer,
    connectedServices,
    logoutWorker,
    web: {
      settings,
      adapter: createOidcAdapterFactory(database.db, {
        clock,
        findClient: async (clientId) => {
          const client = await stores.oidcClients.find(clientId);
          return client === null ? undefined : clientMetadata(client);
        },
        sealer: createKeyringSealer(deriveKeyring(config.serverSecrets, "oidc-payload-seal")),
      }),
      findCustomer: (id) => stores.customers.findById(id),
      connections: connectedServices,
      hasPasskey: async (customerId) => (await stores.passkeys.listForCustomer(customerId)).length > 0,
    },
    async stop(): Promise<void> {
      clearInterval(purgeTimer);
      await logoutWorker.stop();
    },
  };
}
