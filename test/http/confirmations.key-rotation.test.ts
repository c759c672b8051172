import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import type { AddressInfo } from "node:net";
import { createRemoteJWKSet, decodeProtectedHeader } from "jose";
import type { JSONWebKeySet } from "jose";
import { startTestService } from "../support/test-service.ts";
import type { TestService, Teardown } from "../support/test-service.ts";
import { TRADING_PIN, giveTradingPin, loggedInClient, tradingSiteVerify } from "../support/trading-site.ts";
import type { Order } from "../support/trading-site.ts";

const BUY: Order = { type: "trade", details: { side: "buy", symbol: "7203", quantity: 100, price: "market" } };

function newKey(): { privatePem: string; publicPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  return { privatePem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(), publicPem: publicKey.export({ type: "spki", format: "pem" }).toString() };
}

/** A service signing with the given keys, and a customer's token for BUY from it. */
async function serviceAndToken(context: Teardown, env: Record<string, string>): Promise<{ t: TestService; token: string; keys: JSONWebKeySet; customer: string }> {
  // All services of this file sign as the same issuer, as one deployment does across a rotation.
  const t = await startTestService(context, { env: { PUBLIC_URL: "https://login.okb-sec.example", ...env } });
  const customer = await t.addCustomer();
  await giveTradingPin(t, customer);
  const client = await loggedInClient(t, customer);
  const started = (await client.post("/api/v1/confirmations", { json: { operation: BUY } })).json();
  const answered = await client.post(`/api/v1/confirmations/${started.id}`, { json: { pin: TRADING_PIN } });
  assert.equal(answered.statusCode, 200, answered.body);
  return { t, token: answered.json().token, keys: (await t.client().get("/.well-known/jwks.json")).json() as JSONWebKeySet, customer: customer.loginId };
}

describe("signing-key rotation: the previous public key stays published (CONFIRMATION_PREVIOUS_PUBLIC_KEYS) until its tokens have expired", () => {
  it("a token signed with the previous key still verifies after the rotation while that key is published; the JWK Set lists both, the current first; once removed, it no longer verifies", async (context) => {
    const first = newKey();
    const second = newKey();
    const before = await serviceAndToken(context, { CONFIRMATION_SIGNING_KEY: first.privatePem });
    assert.equal(before.keys.keys.length, 1);
    const oldKid = decodeProtectedHeader(before.token).kid;
    assert.equal(before.keys.keys[0]?.kid, oldKid);

    // The rotation: the new key signs; the old one is published beside it (its public half here, as PEM lines with \n escapes).
    const during = await serviceAndToken(context, { CONFIRMATION_SIGNING_KEY: second.privatePem, CONFIRMATION_PREVIOUS_PUBLIC_KEYS: first.publicPem.replaceAll("\n", "\\n") });
    const newKid = decodeProtectedHeader(during.token).kid;
    assert.notEqual(newKid, oldKid, "the kid is the key's thumbprint: a new key, a new kid");
    assert.deepEqual(during.keys.keys.map((key) => key.kid), [newKid, oldKid]);
    const now = during.t.clock.now();
    await tradingSiteVerify(before.token, BUY, during.keys, { issuer: "https://login.okb-sec.example", now, customer: before.customer });
    await tradingSiteVerify(during.token, BUY, during.keys, { issuer: "https://login.okb-sec.example", now, customer: during.customer });

    const after = await serviceAndToken(context, { CONFIRMATION_SIGNING_KEY: second.privatePem });
    assert.deepEqual(after.keys.keys.map((key) => key.kid), [newKid]);
    await assert.rejects(tradingSiteVerify(before.token, BUY, after.keys, { issuer: "https://login.okb-sec.example", now, customer: before.customer }), { code: "ERR_JWKS_NO_MATCHING_KEY" });
  });

  it("the old CONFIRMATION_SIGNING_KEY can be moved to CONFIRMATION_PREVIOUS_PUBLIC_KEYS as it is: only its public half is published", async (context) => {
    const first = newKey();
    const second = newKey();
    const t = await startTestService(context, { env: { CONFIRMATION_SIGNING_KEY: second.privatePem, CONFIRMATION_PREVIOUS_PUBLIC_KEYS: first.privatePem } });
    const { keys } = (await t.client().get("/.well-known/jwks.json")).json() as JSONWebKeySet;
    assert.equal(keys.length, 2);
    for (const key of keys) {
      assert.equal(key["d"], undefined, "no private part is ever published");
    }
  });

  it("the trading site's code from docs/trading-site.md (createRemoteJWKSet over HTTP) verifies a token", async (context) => {
    const { t, token, customer } = await serviceAndToken(context, {});
    await t.service.app.listen({ host: "127.0.0.1", port: 0 });
    const { port } = t.service.app.server.address() as AddressInfo;
    const remote = createRemoteJWKSet(new URL(`http://127.0.0.1:${port}/.well-known/jwks.json`));
    const payload = await tradingSiteVerify(token, BUY, remote, { issuer: "https://login.okb-sec.example", now: t.clock.now(), customer });
    assert.deepEqual(payload["amr"], ["pin"]);
  });
});
