import type { AdapterConstructor, AdapterFactory } from "oidc-provider";
import type { Brand } from "../../core/kernel/brand.ts";
import type { Customer } from "../../core/kernel/ports.ts";
import type { SessionService } from "../../core/login/session.ts";
import type { ConnectedServices } from "../../core/oidc/connected-services.ts";
import type { Clock } from "../../core/kernel/ports.ts";
import type { WebPlugin } from "../kernel/plugin.ts";
import { contextOf } from "../kernel/request-context.ts";
import { SESSION_COOKIE } from "../kernel/cookies.ts";
import { interactionPages } from "./interaction-pages.ts";
import { mountProvider } from "./mount-provider.ts";
import { createProvider } from "./provider-setup.ts";
import type { ProviderSettings } from "./provider-setup.ts";
import { providerPages } from "./provider-pages.ts";
import { recordConnections } from "./record-connections.ts";
import { endOurSessionOnLogout } from "./end-session-logout.ts";
import type { OIDC_TEXT } from "./i18n-oidc.ts";

export interface OidcWebOptions {
  brand: Brand;
  clock: Clock;
  settings: ProviderSettings;
  adapter: AdapterFactory | AdapterConstructor;
  findCustomer(id: string): Promise<Customer | null>;
  sessions: Pick<SessionService, "authenticate" | "authenticateBearer" | "end">;
  /** Records (and audits) the connection each authorization code stands for. */
  connections: Pick<ConnectedServices, "record">;
  hasPasskey(customerId: string): Promise<boolean>;
}

/**
 * okb-login as an OpenID Provider (issue 20): oidc-provider's endpoints under /oidc and discovery at
 * /.well-known/openid-configuration (mount-provider.ts), its login and consent done by our pages
 * (interaction-pages.ts), the connections it makes recorded (record-connections.ts), and a logout a
 * client starts ending the okb-login session too (end-session-logout.ts).
 */
export const oidcPlugin: WebPlugin<OidcWebOptions> = async (app, options) => {
  const provider = createProvider(options.settings, { adapter: options.adapter, findCustomer: options.findCustomer, pages: providerPages(options.brand) });
  recordConnections(provider, options.connections, options.clock);
  endOurSessionOnLogout(provider, options.sessions);
  mountProvider(app, provider, async (request) => {
    const checked = await options.sessions.authenticate(request.cookies[SESSION_COOKIE], contextOf(request));
    if (checked.live === null) {
      return null;
    }
    const { session } = checked.live;
    return { customerId: session.customerId, authMethods: session.authMethods, createdAt: session.createdAt, sessionIdHash: session.idHash };
  });
  interactionPages(app, provider, { brand: options.brand, sessions: options.sessions, hasPasskey: options.hasPasskey });
};

declare module "../kernel/i18n.ts" {
  interface UiTexts extends Record<keyof (typeof OIDC_TEXT)["ja"], string> {}
}
