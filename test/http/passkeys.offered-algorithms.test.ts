import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { sharedTestService } from "../support/test-service.ts";
import { creationOptions, loggedIn } from "../support/passkeys.ts";

// Issue 18: on Node 24 @simplewebauthn/server offers ML-DSA-44 first by default (the runtime verifies it);
// Chromium then made ML-DSA passkeys whose 2,420-byte signatures no login could carry ([4000]).
describe("passkey registration offers EdDSA, ES256 and RS256, whatever the Node version", () => {
  const t = sharedTestService({});

  it("pubKeyCredParams: -8, -7, -257, in that order, and no post-quantum algorithm", async () => {
    const customer = await t.addCustomer();
    const browser = await loggedIn(t, customer);
    const options = await creationOptions(t, customer, browser);
    assert.deepEqual(
      options.pubKeyCredParams.map((param) => [param.type, param.alg]),
      [
        ["public-key", -8],
        ["public-key", -7],
        ["public-key", -257],
      ],
    );
  });
});
