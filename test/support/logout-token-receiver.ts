import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createRemoteJWKSet, customFetch, jwtVerify } from "jose";
import type { FetchImplementation } from "jose";
import type { JWTPayload } from "jose";

const BACKCHANNEL_EVENT = "http://schemas.openid.net/event/backchannel-logout";

/**
 * A trading site's back-channel logout endpoint as OIDC Back-Channel Logout 1.0 §2.6 asks it to check
 * a logout token: signed by a key of the provider's JWKS (ES256), typ logout+jwt, our issuer, its own
 * client ID (one of those registered with it) as audience, the back-channel event, a sid, no nonce. Keeps the verified ones; answers 400
 * to anything else (and 503 while `down`), after `delayMs`.
 */
export class LogoutTokenReceiver {
  readonly verified: JWTPayload[] = [];
  readonly refused: string[] = [];
  down = false;
  /** Delay before answering a token, in ms (a slow client: its delivery stays in flight meanwhile). */
  delayMs = 0;
  private readonly server: Server;

  /** `fetch`: how the JWKS is fetched (another instance behind a load balancer), else the global fetch. */
  constructor(expect: { issuer: string; jwksUri: string; clientIds: () => string[]; fetch?: FetchImplementation }) {
    const keys = createRemoteJWKSet(new URL(expect.jwksUri), expect.fetch === undefined ? {} : { [customFetch]: expect.fetch });
    this.server = createServer((request, response) => {
      let body = "";
      request.setEncoding("utf8");
      request.on("data", (chunk: string) => (body += chunk));
      request.on("end", () => {
        if (this.down) {
          response.writeHead(503).end();
          return;
        }
        const token = new URLSearchParams(body).get("logout_token") ?? "";
        jwtVerify(token, keys, { issuer: expect.issuer, audience: expect.clientIds(), typ: "logout+jwt", algorithms: ["ES256"], requiredClaims: ["iat", "jti", "sid"] })
          .then(({ payload }) => {
            const events = payload["events"] as Record<string, unknown> | undefined;
            if (events?.[BACKCHANNEL_EVENT] === undefined || "nonce" in payload) {
              throw new Error("not a logout token");
            }
            this.verified.push(payload);
            setTimeout(() => response.writeHead(200, { "cache-control": "no-store" }).end(), this.delayMs);
          })
          .catch((error: unknown) => {
            this.refused.push(String(error));
            response.writeHead(400).end();
          });
      });
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/backchannel-logout`;
  }

  /** The verified token for `sid`, waited for up to `ms` (the issue: within 10 s). */
  async tokenFor(sid: string, ms = 10_000): Promise<JWTPayload | null> {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      const found = this.verified.find((payload) => payload["sid"] === sid);
      if (found !== undefined) {
        return found;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return null;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
