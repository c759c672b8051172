import type { FastifyBaseLogger, FastifyInstance } from "fastify";
import type { Config } from "../config.ts";
import type { LoginService } from "../core/login/login.ts";
import type { LoginHistoryStore } from "../core/kernel/ports.ts";
import type { DevMailbox, ReadinessReport } from "../core/kernel/ports-operations.ts";
import type { SessionService } from "../core/login/session.ts";
import type { LoginHistory } from "../core/account/login-history.ts";
import type { PasswordChange } from "../core/account/password-change.ts";
import type { TradingPins } from "../core/trading-pin/trading-pin.ts";
import type { TradingPinChange } from "../core/trading-pin/trading-pin-change.ts";
import type { Confirmations } from "../core/confirmations/confirmations.ts";
import type { AccountFreeze } from "../core/account/account-freeze.ts";
import type { PasswordReset } from "../core/account/password-reset.ts";
import type { LoginIdReminder } from "../core/account/login-id-reminder.ts";
import type { NoticeSettings } from "../core/account/notice-settings.ts";
import type { ConsoleServices } from "../wiring/console-services.ts";
import type { PasskeyServices } from "../wiring/passkeys.ts";
import { registerLoginPages } from "./login/login-pages.ts";
import { registerMyPage } from "./account/my-page.ts";
import { registerHistoryAndSessionsPages } from "./account/history-sessions-pages.ts";
import { registerPasswordPages } from "./account/password-pages.ts";
import { registerTradingPinPages } from "./trading-pin/trading-pin-pages.ts";
import { registerApiV1TradingPin } from "./trading-pin/api-v1-trading-pin.ts";
import { registerRecoveryPages } from "./account/recovery-pages.ts";
import { registerHelp } from "./help/help.ts";
import { registerApiV1 } from "./login/api-v1.ts";
import { registerApiV1Account } from "./account/api-v1-account.ts";
import { registerApiV1Recovery } from "./account/api-v1-recovery.ts";
import { registerApiV1Passkeys } from "./passkeys/api-v1-passkeys.ts";
import { registerApiV1PasskeyLogin } from "./passkeys/api-v1-passkey-login.ts";
import { registerPasskeyPages } from "./passkeys/passkey-pages.ts";
import { registerApiV1Confirmations } from "./confirmations/api-v1-confirmations.ts";
import { registerConsoleRoutes } from "./console/console-routes.ts";
import { registerDevMailbox } from "./operations/dev-mailbox.ts";
import { registerHealth } from "./operations/health.ts";
import { registerMetrics } from "./operations/metrics.ts";
import type { MetricsSource } from "./operations/metrics.ts";
import { registerStatic } from "./operations/static.ts";
import { buildBaseApp } from "./kernel/app-base.ts";

export interface WebDeps {
  config: Readonly<Config>;
  logger: FastifyBaseLogger;
  login: LoginService;
  sessions: SessionService;
  history: LoginHistoryStore;
  /** ログイン履歴: logins and failed attempts. */
  loginHistory: LoginHistory;
  /** Password change with the current password and a fresh emailed code. */
  passwordChange: PasswordChange;
  /** The trading PIN (取引暗証番号): verification for confirmations, its change, its lock. */
  tradingPins: TradingPins;
  /** The customer changes the trading PIN: current PIN + a fresh emailed code. */
  tradingPinChange: TradingPinChange;
  /** Operation-bound confirmations for the trading site (issue 13 §5, §6) and the JWK Set they are verified with. */
  confirmations: Confirmations;
  /** Passkeys (issue 13): registration, the list, passkey login, パスキー必須. */
  passkeys: PasskeyServices;
  /** "Freeze my account" (seed Q9): every login refused until the call center reopens it. */
  accountFreeze: AccountFreeze;
  /** Forgotten password: login ID + date of birth + an emailed code. */
  passwordReset: PasswordReset;
  /** Forgotten login ID: mailed to the 重要メール only. */
  loginIdReminder: LoginIdReminder;
  /** お知らせ設定 (login notices). */
  noticeSettings: NoticeSettings;
  /** The call center's console (issue 12): operator login, sessions, customer lookup and actions. */
  console: ConsoleServices;
  /** Present only in development with no SMTP_URL: serves /dev/mailbox. */
  mailCatcher: DevMailbox | null;
  /** Whether an unexpected error means the database or Redis cannot be reached now (answered 503 [5000], not 500). */
  isDependencyOutage: (error: unknown) => boolean;
  /** Asks the database, Redis and SMTP whether they answer (for /readyz). */
  checkReadiness: () => Promise<ReadinessReport>;
  /** Served at /metrics. */
  metrics: MetricsSource;
}

/**
 * The public listener's app: the customer pages and APIs, health and metrics, and the
 * console under /console unless it has its own listener (CONSOLE_LISTEN), in which case
 * /console answers [4040] here like any unknown path.
 */
export async function buildApp(deps: WebDeps): Promise<FastifyInstance> {
  const app = await buildBaseApp(deps, deps.config.publicUrl);
  registerStatic(app);
  registerHealth(app, deps);
  registerMetrics(app, deps.metrics, deps.config.metricsToken);
  registerLoginPages(app, deps);
  registerMyPage(app, deps);
  registerHistoryAndSessionsPages(app, deps);
  registerPasswordPages(app, deps);
  registerTradingPinPages(app, deps);
  registerRecoveryPages(app, deps);
  registerHelp(app, deps);
  registerApiV1(app, deps);
  registerApiV1Account(app, deps);
  registerApiV1TradingPin(app, deps);
  registerApiV1Recovery(app, deps);
  registerApiV1Passkeys(app, deps);
  registerApiV1PasskeyLogin(app, deps);
  registerPasskeyPages(app, deps);
  registerApiV1Confirmations(app, deps);
  if (deps.config.console.listen === null) {
    registerConsoleRoutes(app, deps);
  }
  if (deps.mailCatcher !== null && deps.config.environment !== "production") {
    registerDevMailbox(app, deps.mailCatcher, deps.config.brand);
  }
  return app;
}

/**
 * The console's own listener (CONSOLE_LISTEN): the same /console routes, with the same
 * shared setup and its origin check against CONSOLE_PUBLIC_URL; the stylesheet and /healthz
 * beside them, and none of the customer pages.
 */
export async function buildConsoleApp(deps: WebDeps): Promise<FastifyInstance> {
  // Inside the brokerage (docs/deploy.md): a call center behind one office address is not one client.
  const app = await buildBaseApp(deps, deps.config.console.publicUrl, { connectionsPerAddress: "off" });
  registerStatic(app);
  registerHealth(app, deps);
  registerConsoleRoutes(app, deps);
  return app;
}
