import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { sharedTestService } from "../support/test-service.ts";

describe("a short SESSION_IDLE_SECONDS does not end a session in use", () => {
  const t = sharedTestService({ env: { SESSION_IDLE_SECONDS: "60" } });

  it("with a 60-second idle timeout, a visit every 50 seconds keeps the session alive for 10 minutes; 60 idle seconds end it", async () => {
    const customer = await t.addCustomer();
    const browser = t.client();
    await browser.post("/login", { form: { loginId: customer.loginId, password: customer.password } });
    assert.equal((await browser.post("/login/mfa", { form: { code: await t.codeFor(customer.email) } })).statusCode, 303);
    for (let visit = 1; visit <= 12; visit += 1) {
      t.clock.advance(50_000);
      assert.equal((await browser.get("/")).statusCode, 200, `visit ${visit}, ${visit * 50} s after login`);
    }
    t.clock.advance(60_000);
    assert.equal((await browser.get("/")).statusCode, 303, "idle for the whole timeout: logged out");
  });
});
