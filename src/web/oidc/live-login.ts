import type { KoaContextWithOIDC } from "oidc-provider";
import type { Lang } from "../kernel/i18n.ts";
import type { RequestContext } from "../../core/kernel/request-context.ts";

/**
 * The okb-login session behind a request to the OpenID Provider, as the provider's checks need it.
 * The fastify side reads the session cookie and puts this on the Koa context's state before the
 * provider runs (oidc-plugin.ts), so the provider's configuration never reads our cookies itself.
 */
export interface LiveLogin {
  customerId: string;
  /** RFC 8176 methods of the login (the ID token's `amr`). */
  authMethods: string[];
  /** When the customer logged in (epoch ms): the ID token's `auth_time`. */
  createdAt: number;
  /** The session's stored hash: which session a client's grant came through. */
  sessionIdHash: string;
}

/** What our side found about the request before handing it over (mount-provider.ts). */
export interface HandedOver {
  login: LiveLogin | null;
  /** The request as the audit log records it (the logout a client starts ends our session too). */
  context: RequestContext;
  /** The okb-login session cookie's token, on the logout endpoint only: the session it ends. */
  sessionToken: string | undefined;
  /** The page language fastify chose (?lang=, Accept-Language), for the provider's own pages. */
  lang: Lang;
}

interface OkbState {
  okb?: HandedOver;
}

export function setHandedOver(ctx: { state: unknown }, handed: HandedOver): void {
  (ctx.state as OkbState).okb = handed;
}

/** What fastify found; a request that reached the provider some other way has nothing. */
export function handedOver(ctx: { state: unknown }): HandedOver | null {
  return (ctx.state as OkbState).okb ?? null;
}

export function langOf(ctx: KoaContextWithOIDC): Lang {
  return handedOver(ctx)?.lang ?? "ja";
}

export function liveLoginOf(ctx: KoaContextWithOIDC): LiveLogin | null {
  return handedOver(ctx)?.login ?? null;
}

/**
 * The provider's session stands for one okb-login session: same customer, same login second
 * (we hand the session's start over as the provider's login time). A provider session left from
 * an okb-login session that has since ended, or from another customer's, does not count.
 */
export function providerSessionMatches(login: LiveLogin | null, providerSession: { accountId?: string; loginTs?: number } | undefined): boolean {
  return (
    login !== null &&
    providerSession?.accountId === login.customerId &&
    providerSession.loginTs === Math.floor(login.createdAt / 1000)
  );
}
