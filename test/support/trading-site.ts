import { createHash } from "node:crypto";
import canonicalize from "canonicalize";
import { createLocalJWKSet, jwtVerify } from "jose";
import type { JSONWebKeySet, JWTPayload, JWTVerifyGetKey } from "jose";
import type { TestService, TestCustomer } from "./test-service.ts";
import type { WebClient } from "./web-client.ts";
import { buildPasswordHasher } from "../../src/wiring/stores.ts";
import { codeMailSubject } from "../../src/core/mail/code-mails.ts";

/** An order as the trading site holds it, in the shape it asks okb-login to confirm. */
export interface Order {
  type: "trade" | "withdrawal" | "bank_account_change";
  details: Record<string, string | number>;
}

/** What docs/trading-site.md tells the trading site to compute from its own order. */
export function opSha256Of(order: Order): string {
  return createHash("sha256").update(canonicalize({ type: order.type, details: order.details }) ?? "", "utf8").digest("base64url");
}

/**
 * The trading site's check, written with jose as docs/trading-site.md shows it: signature by a key
 * of the JWK Set, `typ`, ES256, issuer, audience, expiry at `now`, then `op_sha256` against its
 * own order and `sub` against the customer the order is for (`expect.customer`, a login ID: a token
 * another customer confirmed for an identical order is refused, issue 17 item 8). Resolves to the
 * payload, or rejects (a jose error, "op_sha256 does not match" or "sub is another customer").
 */
export async function tradingSiteVerify(token: string, order: Order, keys: JSONWebKeySet | JWTVerifyGetKey, expect: { issuer: string; audience?: string; now: number; customer: string }): Promise<JWTPayload> {
  const getKey = typeof keys === "function" ? keys : createLocalJWKSet(keys);
  const { payload } = await jwtVerify(token, getKey, {
    typ: "okb-confirmation+jwt",
    algorithms: ["ES256"],
    issuer: expect.issuer,
    audience: expect.audience ?? "okb-trading",
    currentDate: new Date(expect.now),
    requiredClaims: ["jti", "sub", "iat", "exp", "op_sha256"],
  });
  if (payload["op_sha256"] !== opSha256Of(order)) {
    throw new Error("op_sha256 does not match this order");
  }
  if (payload.sub !== expect.customer) {
    throw new Error("sub is another customer: the token was confirmed by someone else");
  }
  return payload;
}

export const TRADING_PIN = "4826";

/** Sets the customer's trading PIN as `customer set-trading-pin` would (argon2id of the PIN). */
export async function giveTradingPin(t: TestService, customer: TestCustomer, pin = TRADING_PIN): Promise<void> {
  await t.stores().tradingPins.set(customer.customer.id, await buildPasswordHasher(t.config).hash(pin), t.clock.now());
}

/** A client logged in through the JSON API with the emailed code (every earlier code mail to the address already delivered). */
export async function loggedInClient(t: TestService, customer: TestCustomer): Promise<WebClient> {
  const client = t.client();
  const before = t.smtp.mails.filter((mail) => mail.to === customer.email && mail.subject === codeMailSubject(t.config.brand)).length;
  const started = await client.post("/api/v1/login", { json: { loginId: customer.loginId, password: customer.password } });
  if (started.statusCode !== 200) {
    throw new Error(`login failed: ${started.body}`);
  }
  const code = await t.codeFor(customer.email, before + 1);
  const done = await client.post("/api/v1/login/mfa", { json: { code } });
  if (done.statusCode !== 200) {
    throw new Error(`login code refused: ${done.body}`);
  }
  return client;
}
