import { SECURITY_REQUEST_SWEEP_MS } from "./core/kernel/limits.ts";
import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import type { Config } from "./config.ts";
import { createLogger } from "./wiring/logger.ts";
import type { Clock, PasswordHasher, Random } from "./core/kernel/ports.ts";
import { openDatabase } from "./adapters/db/connect.ts";
import type { DatabaseHandle } from "./adapters/db/connect.ts";
import { migrateToLatest } from "./adapters/db/migrate.ts";
import { markSqliteLive } from "./adapters/db/sqlite-live-marker.ts";
import { buildPasswordHasher, buildStores } from "./wiring/stores.ts";
import { createHashGate } from "./adapters/crypto/hash-gate.ts";
import type { HashGateStats } from "./adapters/crypto/hash-gate.ts";
import { withHashedKeys } from "./adapters/rate-limit/hashed-keys.ts";
import { nodeRandom, systemClock } from "./adapters/crypto/node-random.ts";
import { currentKey, deriveKeyring } from "./adapters/crypto/keyring.ts";
import { resealOperatorSecrets } from "./wiring/secret-rotation.ts";
import { MailCatcher } from "./adapters/mail/mail-catcher.ts";
import { verpAddress } from "./adapters/mail/verp.ts";
import type { BounceListener } from "./adapters/mail/bounce-listener.ts";
import { startBounceListener } from "./wiring/bounces.ts";
import { createMailBounceStore } from "./adapters/db/mail-bounces.ts";
import { OutboxWorker } from "./adapters/mail/outbox-worker.ts";
import { DEFAULT_OUTBOX_SETTINGS } from "./adapters/mail/outbox-settings.ts";
import { stuckCriteria } from "./adapters/mail/stuck-mail-watch.ts";
import type { OutboxWorkerSettings } from "./adapters/mail/outbox-settings.ts";
import { createSmtpTransport } from "./adapters/mail/smtp-transport.ts";
import type { SmtpTimeouts } from "./adapters/mail/smtp-transport.ts";
import { LoginService } from "./core/login/login.ts";
import type { LoginDeps } from "./core/login/login.ts";
import { PasswordChange } from "./core/account/password-change.ts";
import { TradingPins } from "./core/trading-pin/trading-pin.ts";
import { TradingPinChange } from "./core/trading-pin/trading-pin-change.ts";
import { relyingPartyOf } from "./core/passkeys/passkey-deps.ts";
import type { PasskeyDeps } from "./core/passkeys/passkey-deps.ts";
import { buildConfirmations } from "./wiring/confirmations.ts";
import { AccountFreeze } from "./core/account/account-freeze.ts";
import { buildRecovery } from "./wiring/recovery.ts";
import { DEFAULT_RECOVERY_SETTINGS } from "./adapters/mail/recovery-worker.ts";
import type { RecoveryWorker } from "./adapters/mail/recovery-worker.ts";
import { NoticeSettings } from "./core/account/notice-settings.ts";
import { commonPasswordList } from "./adapters/password-list/common-passwords.ts";
import { SessionService } from "./core/login/session.ts";
import { buildConsoleServices } from "./wiring/console-services.ts";
import { buildPasskeyServices } from "./wiring/passkeys.ts";
import { LoginHistory } from "./core/account/login-history.ts";
import { ensureDemoCustomer } from "./demo-customer.ts";
import type { DemoCredentials } from "./demo-customer.ts";
import { buildApp, buildConsoleApp } from "./web/app.ts";
import type { WebServices } from "./web/app.ts";
import { createServiceMetrics } from "./adapters/metrics/service-metrics.ts";
import type { ServiceMetrics } from "./adapters/metrics/service-metrics.ts";
import { createMeteredAuditLog } from "./adapters/metrics/metered-audit-log.ts";
import { checkReadiness, databaseCheck, redisCheck, smtpCheck, smtpState } from "./adapters/health/readiness-checks.ts";
import type { ReadinessCheck } from "./adapters/health/readiness-checks.ts";
import { isDependencyOutage } from "./adapters/health/dependency-outage.ts";
import type { LogoutDeliverySettings } from "./adapters/oidc/logout-delivery-worker.ts";
import { buildOpenIdProvider } from "./wiring/oidc.ts";
import { buildRateLimitCounters } from "./wiring/rate-limit-counters.ts";

export interface ServiceOptions {
  /** Tests pass a clock they can move. */
  clock?: Clock;
  random?: Random;
  /** Tests wrap the login's password hasher to hold a verification at a chosen moment (fault injection). */
  wrapHasher?: (hasher: PasswordHasher) => PasswordHasher;
  logger?: Logger;
  outbox?: Partial<OutboxWorkerSettings>;
  /** SMTP timeouts over the defaults (tests shorten them). */
  smtp?: Partial<SmtpTimeouts>;
  /** Back-channel logout delivery settings over the defaults (tests shorten the backoff). */
  logoutDelivery?: Partial<LogoutDeliverySettings>;
  /** How often this instance applies due security requests (default 30 s); null: never on its own (tests call applyDueSecurityRequests). */
  securityRequestSweepMs?: number | null;
}

export interface Service {
  app: FastifyInstance;
  /** The console's own app when CONSOLE_LISTEN is set (main.ts listens on it); null: the console is under /console on `app`. */
  consoleApp: FastifyInstance | null;
  database: DatabaseHandle;
  worker: OutboxWorker;
  /** Resolves forgotten-ID and forgotten-password requests after their answers (issue 17 item 7). */
  recoveryWorker: RecoveryWorker;
  /** The local mail catcher, when no SMTP_URL was given (development). */
  mailCatcher: MailCatcher | null;
  /** The inbound SMTP listener for bounces on BOUNCE_LISTEN (issue 22 §1); null when it is off. */
  bounceListener: BounceListener | null;
  /** Password hashes running, waiting and shed (load shedding). */
  hashGate: { stats(): HashGateStats };
  demo: DemoCredentials | null;
  /** This service's Prometheus registry (served at /metrics). */
  metrics: ServiceMetrics;
  /**
   * Makes approved security requests whose waiting period is over effective (issue 17): run
   * every 30 s by each instance, exactly once per request whichever runs it; tests call it after
   * moving their clock. How many took effect.
   */
  applyDueSecurityRequests(): Promise<number>;
  /**
   * Stops taking requests and lets those in flight finish, then delivers the
   * mails already due (a last pass of up to 5 s), then closes Redis, SMTP and the database.
   */
  close(): Promise<void>;
}

// At shutdown, the codes of the last logins still go out (DESIGN: no code mail is lost);
// beyond this, what is left waits in the outbox for another instance or the next start.
const SHUTDOWN_MAIL_DRAIN_MS = 5000;

/** The one place that builds adapters, core and web from the configuration. */
export async function createService(config: Readonly<Config>, options: ServiceOptions = {}): Promise<Service> {
  const clock = options.clock ?? systemClock;
  const random = options.random ?? nodeRandom;
  const logger = options.logger ?? createLogger(config);

  // A broken PostgreSQL connection is dropped and replaced (connect.ts): one line each, at most the pool's size.
  const database = openDatabase(config.databaseUrl, {
    onConnectionError: (error) => logger.warn({ error: error.message }, "database connection lost; the next request opens a new one"),
  });
  await migrateToLatest(database.db, database.dialect);
  // SQLite only: `customer import` refuses to run while this service uses the file (issue 17 item 12).
  const liveMarker = markSqliteLive(config.databaseUrl, (error) => logger.warn({ err: error }, "cannot mark the SQLite database as in use; customer import will not see this service"));
  // The back-channel logout worker is built below; a session's end wakes it through this.
  const logoutWake = { notify: (): void => {} };
  const stores = buildStores(database, config, { clock, random }, { logoutQueued: () => logoutWake.notify() });
  const { customers, outbox: outboxStore } = stores;
  await resealOperatorSecrets(database, config, logger);
  const hasher = createHashGate(buildPasswordHasher(config), config.hashGate);
  // As many mails in delivery as SMTP conversations, so none waits inside nodemailer behind a stalled one.
  const outboxSettings = { ...DEFAULT_OUTBOX_SETTINGS, maxInFlight: config.smtpMaxConnections, ...options.outbox };
  let mailCatcher: MailCatcher | null = null;
  let smtpUrl = config.smtpUrl;
  if (smtpUrl === null) {
    mailCatcher = new MailCatcher();
    await mailCatcher.listen();
    smtpUrl = mailCatcher.url;
  }
  const transport = createSmtpTransport(smtpUrl, config.mailFrom, { dkim: config.dkim, timeouts: options.smtp, maxConnections: config.smtpMaxConnections });
  // One cached probe for /readyz and okb_smtp_up: at most one SMTP session per 10 s.
  const smtpProbe = smtpCheck(transport);
  const metrics = createServiceMetrics(
    {
      outboxDepth: () => outboxStore.pendingCount(),
      stuckMails: () => outboxStore.countStuck(stuckCriteria(clock.now(), outboxSettings)),
      smtpUp: async () => (await smtpState(smtpProbe)) === "ok",
      hashGate: hasher,
    },
    { rateLimitNames: Object.keys(config.rateLimits) },
  );
  // Every security event passes through the audit log: counting there keeps the core free of metrics.
  const audit = createMeteredAuditLog(stores.audit, metrics.security);
  const { counters, redis, pruneTimer } = await buildRateLimitCounters(config, database, { clock, logger });
  // Passkey challenges nobody answered (a closed dialog) are only clutter after their 5 minutes.
  const challengePruneTimer = setInterval(() => {
    stores.webauthnChallenges.prune(clock.now()).catch((error: unknown) => logger.warn({ err: error }, "passkey challenge prune failed"));
  }, 10 * 60_000);
  challengePruneTimer.unref();
  // Counters live minutes: hashed with the current secret's key only, so a rotation starts them afresh (docs/deploy.md).
  const limiter = withHashedKeys(counters, currentKey(config.serverSecrets, "rate-limit-keys"));
  const worker = new OutboxWorker({
    store: outboxStore, transport, clock, logger, settings: outboxSettings, metrics: metrics.outbox,
    returnPath: (mailId) => verpAddress(mailId, config.bounce.domain),
  });
  // The relay is reported, not required (docs/decisions.md): customers with MFA off need no mail.
  const requiredChecks: ReadinessCheck[] = [databaseCheck(database.db)];
  if (redis !== null) {
    requiredChecks.push(redisCheck(redis));
  }

  const oidc = await buildOpenIdProvider(config, stores, database, { clock, logger, audit, logoutDelivery: options.logoutDelivery });
  const sessions = new SessionService({ sessions: stores.sessions, customers, clock, random, audit, settings: config.session, bearer: oidc.bearer });
  logoutWake.notify = () => oidc.logoutWorker.notify();
  const loginDeps: LoginDeps = {
    customers,
    challenges: stores.challenges,
    sessions,
    hasher: options.wrapHasher?.(hasher) ?? hasher,
    clock,
    random,
    outbox: stores.mailOutbox(() => worker.notify()),
    audit,
    limiter,
    passkeyRequirement: stores.passkeys,
    codeMailDeliveries: createMailBounceStore(database.db),
    settings: {
      codeTtlSeconds: config.codeTtlSeconds,
      codeKeys: deriveKeyring(config.serverSecrets, "code-hmac"),
      brand: config.brand,
      lockoutThreshold: config.lockoutThreshold,
      rateLimits: config.rateLimits,
    },
  };
  const login = new LoginService({ ...loginDeps, knownDevices: stores.knownDevices });
  const stepUpDeps = { ...loginDeps, stepUps: stores.stepUps, commonPasswords: commonPasswordList() };
  const passwordChange = new PasswordChange(stepUpDeps);
  const tradingPins = new TradingPins({ pins: stores.tradingPins, customers, hasher: loginDeps.hasher, clock, random, outbox: loginDeps.outbox, audit, brand: config.brand });
  const passkeyDeps: PasskeyDeps = {
    passkeys: stores.passkeys,
    webauthnChallenges: stores.webauthnChallenges,
    customers,
    audit,
    outbox: loginDeps.outbox,
    clock,
    random,
    brand: config.brand,
    relyingParty: relyingPartyOf(config.publicUrl, config.webauthnExtraOrigins, config.brand.name),
  };
  const confirmations = await buildConfirmations(stores, loginDeps, config, { pins: tradingPins, passkeys: passkeyDeps });
  for (const warning of confirmations.warnings) {
    logger.warn(warning);
  }
  const recovery = buildRecovery(database, config, { login: loginDeps, stepUp: stepUpDeps, logger, settings: DEFAULT_RECOVERY_SETTINGS });
  const demo = config.demoCustomer ? await ensureDemoCustomer({ customers, hasher, clock, random }) : null;

  const consoleServices = buildConsoleServices(stores, loginDeps, config, { stuckMail: outboxSettings });
  const applyDueSecurityRequests = (): Promise<number> => consoleServices.securityRequests.applyDue();
  const sweepMs = options.securityRequestSweepMs === undefined ? SECURITY_REQUEST_SWEEP_MS : options.securityRequestSweepMs;
  const securityRequestTimer =
    sweepMs === null
      ? null
      : setInterval(() => {
          applyDueSecurityRequests().catch((error: unknown) => logger.warn({ err: error }, "security request sweep failed"));
        }, sweepMs);
  securityRequestTimer?.unref();
  const customerSite = { brand: config.brand, sessions };
  const web: WebServices = {
    base: { config, logger, isDependencyOutage },
    operations: {
      checkReadiness: () => checkReadiness({ required: requiredChecks, smtp: smtpProbe }),
      metrics: { source: metrics.registry, token: config.metricsToken },
      // Development only, with no SMTP_URL: the local catcher's mails, so the demo login works.
      devMailbox: mailCatcher !== null && config.environment !== "production" ? { catcher: mailCatcher, brand: config.brand } : null,
    },
    login: { ...customerSite, codeTtlSeconds: config.codeTtlSeconds, login },
    account: {
      ...customerSite,
      codeTtlSeconds: config.codeTtlSeconds,
      history: stores.history,
      loginHistory: new LoginHistory({ activity: stores.audit, clock }),
      passwordChange,
      accountFreeze: new AccountFreeze(loginDeps),
      passwordReset: recovery.passwordReset,
      loginIdReminder: recovery.loginIdReminder,
      noticeSettings: new NoticeSettings({ customers, audit }),
      connectedServices: oidc.connectedServices,
    },
    passkeys: { ...customerSite, ...buildPasskeyServices({ ...loginDeps, ...passkeyDeps, stepUps: stores.stepUps, knownDevices: stores.knownDevices }) },
    tradingPin: { ...customerSite, tradingPins, tradingPinChange: new TradingPinChange({ ...stepUpDeps, tradingPins }) },
    confirmations: { sessions, confirmations: confirmations.confirmations },
    help: { brand: config.brand, codeTtlSeconds: config.codeTtlSeconds, codeMailLimit: config.rateLimits.codeMailsPerCustomer, securityChangeDelayHours: config.securityChangeDelayHours },
    oidc: { brand: config.brand, clock, sessions, ...oidc.web },
    console: { brand: config.brand, ...consoleServices },
  };
  const app = await buildApp(web);
  const consoleApp = config.console.listen === null ? null : await buildConsoleApp(web);
  worker.start();
  recovery.worker.start();
  oidc.logoutWorker.start();
  const bounceListener = await startBounceListener(config, database, { audit, clock, logger, dropped: metrics.bounceDropped });

  return {
    app,
    consoleApp,
    database,
    worker,
    recoveryWorker: recovery.worker,
    mailCatcher,
    bounceListener,
    hashGate: hasher,
    demo,
    metrics,
    applyDueSecurityRequests,
    async close(): Promise<void> {
      if (securityRequestTimer !== null) {
        clearInterval(securityRequestTimer);
      }
      // Both listeners stop taking requests and finish those in flight together.
      await Promise.all([app.close(), consoleApp?.close()]);
      // The requests answered so far are resolved (their mails queued) before the last mail pass.
      await recovery.worker.runOnce().catch((error: unknown) => logger.warn({ err: error }, "recovery requests: last run failed"));
      await recovery.worker.stop();
      await worker.stop({ drainForMs: SHUTDOWN_MAIL_DRAIN_MS });
      await oidc.stop();
      if (pruneTimer !== null) {
        clearInterval(pruneTimer);
      }
      clearInterval(challengePruneTimer);
      // QUIT needs a connection; with none (Redis is down) there is nothing to say goodbye to.
      await redis?.quit().catch(() => redis?.disconnect());
      transport.close();
      await mailCatcher?.close();
      await bounceListener?.close();
      await database.close();
      liveMarker.stop();
      metrics.close();
    },
  };
}
