import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { nodeRandom } from "../../src/adapters/crypto/node-random.ts";
import type { Random } from "../../src/core/kernel/ports.ts";
import { sharedTestService } from "../support/test-service.ts";

/** The CSPRNG, except that the code digits come from a script. */
function scriptedCodes(codes: number[]): Random {
  return {
    int: (min, max) => codes.shift() ?? nodeRandom.int(min, max),
    token: (bytes) => nodeRandom.token(bytes),
    id: () => nodeRandom.id(),
  };
}

describe("a new login never mails the customer's previous code again (seed Q6)", () => {
  const t = sharedTestService({ random: scriptedCodes([123456, 123456, 123456, 654321]) });

  it("draws again when the random code equals the previous one", async () => {
    const customer = await t.addCustomer();
    await t.client().post("/login", { form: { loginId: customer.loginId, password: customer.password } });
    assert.equal(await t.codeFor(customer.email, 1), "123456");
    await t.client().post("/login", { form: { loginId: customer.loginId, password: customer.password } });
    assert.equal(await t.codeFor(customer.email, 2), "654321");
  });
});
