import type { FastifyInstance } from "fastify";
import { buildBaseApp } from "./kernel/app-base.ts";
import type { BaseOptions } from "./kernel/app-base.ts";
import { UI_TEXT } from "./ui-text.ts";
import { operationsPlugin } from "./operations/operations-plugin.ts";
import type { OperationsWebOptions } from "./operations/operations-plugin.ts";
import { loginPlugin } from "./login/login-plugin.ts";
import type { LoginWebOptions } from "./login/login-plugin.ts";
import { accountPlugin } from "./account/account-plugin.ts";
import type { AccountWebOptions } from "./account/account-plugin.ts";
import { passkeyPlugin } from "./passkeys/passkey-plugin.ts";
import type { PasskeyWebOptions } from "./passkeys/passkey-plugin.ts";
import { tradingPinPlugin } from "./trading-pin/trading-pin-plugin.ts";
import type { TradingPinWebOptions } from "./trading-pin/trading-pin-plugin.ts";
import { confirmationPlugin } from "./confirmations/api-v1-confirmations.ts";
import type { ConfirmationWebOptions } from "./confirmations/api-v1-confirmations.ts";
import { helpPlugin } from "./help/help.ts";
import type { HelpWebOptions } from "./help/help.ts";
import { consolePlugin } from "./console/console-plugin.ts";
import { oidcPlugin } from "./oidc/oidc-plugin.ts";
import type { OidcWebOptions } from "./oidc/oidc-plugin.ts";
import type { ConsoleWebOptions } from "./console/console-plugin.ts";

/**
 * What the web layer is built from (src/service.ts builds it): the shared setup's needs, and
 * for each feature the services its plugin takes, no more.
 */
export interface WebServices {
  /** The configuration, the logger, which errors mean an outage (kernel/app-base.ts). */
  base: Omit<BaseOptions, "texts">;
  operations: OperationsWebOptions;
  login: LoginWebOptions;
  account: AccountWebOptions;
  passkeys: PasskeyWebOptions;
  tradingPin: TradingPinWebOptions;
  confirmations: ConfirmationWebOptions;
  help: HelpWebOptions;
  /** The OpenID Provider (issue 20). */
  oidc: OidcWebOptions;
  console: ConsoleWebOptions;
}

/**
 * The public listener's app: the customer pages and APIs, health and metrics, and the
 * console under /console unless it has its own listener (CONSOLE_LISTEN), in which case
 * /console answers [4040] here like any unknown path.
 */
export async function buildApp(services: WebServices): Promise<FastifyInstance> {
  const { config } = services.base;
  const app = await buildBaseApp({ ...services.base, texts: UI_TEXT }, config.publicUrl);
  await app.register(operationsPlugin, services.operations);
  await app.register(loginPlugin, services.login);
  await app.register(accountPlugin, services.account);
  await app.register(passkeyPlugin, services.passkeys);
  await app.register(tradingPinPlugin, services.tradingPin);
  await app.register(confirmationPlugin, services.confirmations);
  await app.register(helpPlugin, services.help);
  await app.register(oidcPlugin, services.oidc);
  if (config.console.listen === null) {
    await app.register(consolePlugin, services.console);
  }
  return app;
}

/**
 * The console's own listener (CONSOLE_LISTEN): the same /console routes, with the same
 * shared setup and its origin check against CONSOLE_PUBLIC_URL; the stylesheet and /healthz
 * beside them, and none of the customer pages.
 */
export async function buildConsoleApp(services: WebServices): Promise<FastifyInstance> {
  const { config } = services.base;
  // Inside the brokerage (docs/deploy.md): a call center behind one office address is not one client.
  const app = await buildBaseApp({ ...services.base, texts: UI_TEXT }, config.console.publicUrl, { connectionsPerAddress: "off" });
  await app.register(operationsPlugin, { ...services.operations, metrics: null, devMailbox: null });
  await app.register(consolePlugin, services.console);
  return app;
}
