import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { decodeProtectedHeader } from "jose";
import type { JSONWebKeySet } from "jose";
import { startTestService } from "../support/test-service.ts";
import { authorizeAndRedeem, discoverAs, listenAtPublicUrl, logInOnOurPages } from "../support/oidc-relying-party.ts";
import { freePort } from "../support/free-port.ts";

const REDIRECT = "https://trade.okb-sec.example/callback";
const pem = (): string => generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();

// Issue 20 item 1: ES256 keys rotatable like the confirmation keys, the previous ones still published.
describe("OpenID Provider keys: rotation", () => {
  it("signs with OIDC_SIGNING_KEY and publishes OIDC_PREVIOUS_SIGNING_KEYS beside it, ES256 only, no private part", async (t) => {
    const current = pem();
    const previous = pem();
    const port = await freePort();
    const service = await startTestService(t, {
      realTimeClock: true,
      env: { PUBLIC_URL: `http://localhost:${port}`, PORT: String(port), OIDC_SIGNING_KEY: current, OIDC_PREVIOUS_SIGNING_KEYS: previous },
    });
    await listenAtPublicUrl(service);
    const jwks = (await (await fetch(`${service.config.publicUrl}/oidc/jwks`)).json()) as JSONWebKeySet;
    assert.equal(jwks.keys.length, 2);
    for (const key of jwks.keys) {
      assert.equal(key.kty, "EC");
      assert.equal(key.crv, "P-256");
      assert.equal(key.alg, "ES256");
      assert.equal("d" in key, false, "no private part published");
    }
    const customer = await service.addCustomer();
    const config = await discoverAs(service, await service.addClient({ redirectUris: [REDIRECT] }));
    const browser = service.client();
    const { tokens } = await authorizeAndRedeem(service, browser, config, REDIRECT, { logIn: () => logInOnOurPages(service, browser, customer) });
    assert.equal(decodeProtectedHeader(tokens.id_token ?? "").kid, jwks.keys[0]?.kid, "the current key, first in the set, signs");
  });
});
