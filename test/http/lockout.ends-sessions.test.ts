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

  it("a session made by a login racing the lock (or the freeze) is not honoured: it ends at its next request", async () => {
    for (const column of ["locked_at", "frozen_at"] as const) {
      const customer = await t.addCustomer();
      const browser = t.client();
      await browser.post("/login", { form: { loginId: customer.loginId, password: customer.password } });
      assert.equal((await browser.post("/login/mfa", { form: { code: await t.codeFor(customer.email) } })).statusCode, 303);
      // As if the lock landed between the login's last check and its session: the lock's own
      // "end every session" ran before the session existed.
      await t.service.database.db.updateTable("customers").set({ [column]: t.clock.now() }).where("id", "=", customer.customer.id).execute();
      const page = await browser.get("/");
      assert.equal(page.statusCode, 303, column);
      assert.equal(page.headers.location, "/login", column);
      const api = await browser.get("/api/v1/session");
      assert.equal(api.statusCode, 401, column);
      const ended = (await t.auditEvents(customer.customer.id)).filter((event) => event.event === "session.ended");
      assert.deepEqual(ended.map((event) => event.detail.reason), [column === "locked_at" ? "account_locked" : "account_frozen"]);
    }
  });
});
