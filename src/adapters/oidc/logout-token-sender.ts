import { randomUUID } from "node:crypto";
import { importJWK, SignJWT } from "jose";
import type { OidcClientStore } from "../../core/oidc/ports-oidc.ts";
import type { Clock } from "../../core/kernel/ports.ts";
import type { SigningJwk } from "../crypto/oidc-signing-keys.ts";
import type { DeliverLogout } from "./logout-delivery-worker.ts";

const BACKCHANNEL_EVENT = "http://schemas.openid.net/event/backchannel-logout";

/** How long a logout token is good for: long enough for a slow client, short enough that a copy is soon useless. */
const LOGOUT_TOKEN_SECONDS = 120;

/**
 * OIDC Back-Channel Logout 1.0 §2.4: a logout token signed with the provider's current ES256 key
 * (the `kid` the JWKS publishes), `aud` the client, `sid` and `sub` of the ended session, the
 * back-channel event, a fresh `jti`, no `nonce`; POSTed form-encoded to the client's
 * backchannel_logout_uri. Anything but 200 or 204 is a failure the worker retries. A client removed
 * since, or without a back-channel URI any more, has nobody to tell: done.
 */
export function logoutTokenSender(options: { issuer: string; signingKey: SigningJwk; clients: Pick<OidcClientStore, "find">; clock: Clock; timeoutMs: number }): DeliverLogout {
  const key = importJWK(options.signingKey, "ES256");
  return async ({ clientId, sub, sid }) => {
    const client = await options.clients.find(clientId);
    if (client === null || client.backchannelLogoutUri === null) {
      return;
    }
    const now = Math.floor(options.clock.now() / 1000);
    const token = await new SignJWT({ sid, events: { [BACKCHANNEL_EVENT]: {} } })
      .setProtectedHeader({ alg: "ES256", kid: options.signingKey.kid, typ: "logout+jwt" })
      .setIssuer(options.issuer)
      .setAudience(clientId)
      .setSubject(sub)
      .setIssuedAt(now)
      .setExpirationTime(now + LOGOUT_TOKEN_SECONDS)
      .setJti(randomUUID())
      .sign(await key);
    const response = await fetch(client.backchannelLogoutUri, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ logout_token: token }).toString(),
      redirect: "manual",
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    // Read and drop the body, so the connection is free again.
    await response.arrayBuffer().catch(() => undefined);
    if (response.status !== 200 && response.status !== 204) {
      throw new Error(`back-channel logout to ${clientId}: HTTP ${response.status}`);
    }
  };
}
