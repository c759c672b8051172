import type Provider from "oidc-provider";
import type { SessionService } from "../../core/login/session.ts";
import { SESSION_COOKIE } from "../kernel/cookies.ts";
import { handedOver } from "./live-login.ts";

/**
 * RP-initiated logout (issue 20 item 6): when the customer confirms the logout a client started,
 * the okb-login session ends too, and with it every connection of that session, whose clients
 * hear of it by back-channel (our durable queue, not the provider's one-shot call: see
 * `deliverBackchannelLogoutsOurselves`).
 */
export function endOurSessionOnLogout(provider: Provider, sessions: Pick<SessionService, "end">): void {
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.oidc?.route !== "end_session_confirm" || ctx.oidc.params?.["logout"] === undefined) {
      return;
    }
    const handed = handedOver(ctx);
    if (handed?.sessionToken === undefined) {
      return;
    }
    await sessions.end(handed.sessionToken, handed.context);
    // Koa refuses a Secure cookie over plain http (development); the header is the same either way.
    ctx.append("Set-Cookie", `${SESSION_COOKIE}=; Path=/; Max-Age=0; Secure; HttpOnly; SameSite=Lax`);
  });
  deliverBackchannelLogoutsOurselves(provider);
}

/**
 * oidc-provider posts its logout tokens once, when its own session ends, and forgets a client that
 * was down. Ours go through oidc_logout_deliveries for every way a session ends (logout, ご利用中の端末,
 * the call center, a lock …), retried with backoff; so the provider's own call does nothing.
 */
function deliverBackchannelLogoutsOurselves(provider: Provider): void {
  const clientPrototype = provider.Client.prototype as unknown as { backchannelLogout(sub: string, sid: string): Promise<void> };
  clientPrototype.backchannelLogout = async () => {};
}
