import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { sharedTestService } from "../support/test-service.ts";

describe("a lock ends the customer's sessions", () => {
  const t = sharedTestService({ env: { LOCKOUT_THRESHOLD: "3" } });

  it("a browser logged in before someone's guessing locks the account is logged out, and the audit log says why", async () => {
    const customer = await t.addCustomer();
    const browser = t.client();
    await browser.post("/login", { form: { loginId: customer.loginId, password: customer.password } });
    assert.equal((await browser.post("/login/mfa", { form: { code: await t.codeFor(customer.email) } })).statusCode, 303);
    assert.equal((await browser.get("/")).statusCode, 200, "logged in");
    for (let i = 0; i < 3; i += 1) {
      await t.client({ ip: "198.51.100.66" }).post("/login", { form: { loginId: customer.loginId, password: "a guess" } });
    }
    const page = await browser.get("/");
    assert.equal(page.statusCode, 303, "the session ended with the lock");
    assert.equal(page.headers.location, "/login");
    const ended = (await t.auditEvents(customer.customer.id)).filter((event) => event.event === "session.ended");
    assert.deepEqual(
      ended.map((event) => event.detail),
      [{ reason: "account_locked", sessions: 1 }],
    );
  });
});
