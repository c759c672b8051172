import { randomUUID } from "node:crypto";
import type Provider from "oidc-provider";
import type { KoaContextWithOIDC } from "oidc-provider";
import type { Clock } from "../../core/kernel/ports.ts";
import type { ConnectedServices } from "../../core/oidc/connected-services.ts";
import { handedOver } from "./live-login.ts";

/**
 * Every authorization code the provider issues is recorded as a connection of the okb-login
 * session it came through (issue 20 items 6 and 8): the client, its grant and the `sid` its ID
 * token will carry, and audited `oidc.connected` (ConnectedServices.record: ログイン履歴 names the service
 * beside the login). Done after the provider's own work and before its answer leaves, so a client
 * cannot redeem the code before the connection exists, and the end of the session always reaches it.
 */
export function recordConnections(provider: Provider, connections: Pick<ConnectedServices, "record">, clock: Clock): void {
  provider.use(async (ctx, next) => {
    await next();
    const route = ctx.oidc?.route;
    if (route !== "authorization" && route !== "resume") {
      return;
    }
    const code = ctx.oidc.entities.AuthorizationCode;
    // Whose login and which request (the audit's IP, device and request ID), as our side handed them over.
    const handed = handedOver(ctx as unknown as KoaContextWithOIDC);
    const login = handed?.login ?? null;
    if (handed === null || code === undefined || login === null || code.accountId !== login.customerId || code.grantId === undefined || code.sid === undefined) {
      return;
    }
    const now = clock.now();
    const recorded = await connections.record({
      id: randomUUID(),
      customerId: login.customerId,
      clientId: code.clientId,
      grantId: code.grantId,
      sid: code.sid,
      sessionIdHash: login.sessionIdHash,
      createdAt: now,
      lastUsedAt: now,
    }, handed.context);
    if (!recorded) {
      // The session ended while the provider worked (a logout in another tab): the code it issued must not work.
      await ctx.oidc.provider.AuthorizationCode.revokeByGrantId(code.grantId);
      ctx.status = 303;
      ctx.redirect("/login");
    }
  });
}
