import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { sharedTestService } from "../support/test-service.ts";
import type { TestCustomer } from "../support/test-service.ts";
import type { WebClient } from "../support/web-client.ts";
import { wrongCodeFor } from "../support/codes.ts";
import { createCustomerStore } from "../../src/adapters/db/stores/customer-store.ts";

const PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1";

describe("ログイン履歴 (GET /api/v1/login-history): the customer's logins and failed attempts, newest first", () => {
  const t = sharedTestService({ env: { LOCKOUT_THRESHOLD: "5", RATE_LIMIT_CODE_MAILS_PER_CUSTOMER: "100/60" } });

  /** Logs in with password and code from `browser`; the clock moves a second first, so attempts keep their order. */
  async function logIn(customer: TestCustomer, browser: WebClient, nthCode: number): Promise<void> {
    t.clock.advance(1000);
    await browser.post("/api/v1/login", { json: { loginId: customer.loginId, password: customer.password } });
    const response = await browser.post("/api/v1/login/mfa", { json: { code: await t.codeFor(customer.email, nthCode) } });
    assert.equal(response.statusCode, 200);
  }

  async function wrongPassword(customer: TestCustomer, ip = "198.51.100.7"): Promise<void> {
    t.clock.advance(1000);
    await t.client({ ip, userAgent: PHONE }).post("/api/v1/login", { json: { loginId: customer.loginId, password: "not the password" } });
  }

  it("shows a failed attempt made before the login, with its time, IP, device and outcome, and the login itself", async () => {
    const customer = await t.addCustomer();
    await wrongPassword(customer);
    const browser = t.client();
    // Someone else's attempt on an unknown ID belongs to nobody.
    await t.client().post("/api/v1/login", { json: { loginId: "nobody-at-all", password: "x".repeat(10) } });
    await logIn(customer, browser, 1);
    const response = await browser.get("/api/v1/login-history");
    assert.equal(response.statusCode, 200);
    const { items, next } = response.json();
    assert.equal(next, null);
    assert.deepEqual(
      items.map((item: Record<string, string>) => [item["outcome"], item["method"], item["ip"], item["device"]]),
      [
        ["success", "password_and_code", "203.0.113.10", "Chrome 120 / Windows 10"],
        ["wrong_password", "password", "198.51.100.7", "Safari 17 / iOS 17.2"],
      ],
    );
    assert.match(items[0].at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+09:00$/);
  });

  it("shows one line per attempt: a wrong code, and the wrong password that locks (not also as a wrong password)", async () => {
    const customer = await t.addCustomer();
    await logIn(customer, t.client(), 1);
    t.clock.advance(1000);
    const other = t.client();
    await other.post("/api/v1/login", { json: { loginId: customer.loginId, password: customer.password } });
    await other.post("/api/v1/login/mfa", { json: { code: wrongCodeFor(await t.codeFor(customer.email, 2)) } });
    // Four more failures: the fifth of the run locks the account (LOCKOUT_THRESHOLD=5).
    for (let i = 0; i < 4; i += 1) {
      await wrongPassword(customer);
    }
    t.clock.advance(1000);
    await t.client().post("/api/v1/login", { json: { loginId: customer.loginId, password: customer.password } });
    // The call center unlocks; the customer logs in and reads the history.
    await createCustomerStore(t.service.database.db).unlock(customer.customer.id);
    const browser = t.client();
    await logIn(customer, browser, 3);
    const items = (await browser.get("/api/v1/login-history")).json().items as Array<Record<string, string>>;
    assert.deepEqual(
      items.map((item) => `${item["outcome"]}/${item["method"]}`),
      [
        "success/password_and_code",
        "refused_locked/password",
        "locked/password",
        "wrong_password/password",
        "wrong_password/password",
        "wrong_password/password",
        "wrong_code/code",
        "success/password_and_code",
      ],
    );
  });

  it("pages with an opaque cursor, without repeats or gaps, and refuses a forged cursor or page size with [4000]", async () => {
    const customer = await t.addCustomer();
    for (let i = 0; i < 3; i += 1) {
      await wrongPassword(customer, `198.51.100.${i + 1}`);
    }
    const browser = t.client();
    await logIn(customer, browser, 1);
    const first = (await browser.get("/api/v1/login-history?limit=2")).json();
    assert.deepEqual(first.items.map((item: Record<string, string>) => item["ip"]), ["203.0.113.10", "198.51.100.3"]);
    assert.equal(typeof first.next, "string");
    const second = (await browser.get(`/api/v1/login-history?limit=2&before=${first.next}`)).json();
    assert.deepEqual(second.items.map((item: Record<string, string>) => item["ip"]), ["198.51.100.2", "198.51.100.1"]);
    assert.equal(second.next, null, "the last page");
    for (const bad of ["before=not-a-cursor!", "before=AAAA", "limit=0", "limit=101", "limit=abc"]) {
      const response = await browser.get(`/api/v1/login-history?${bad}`);
      assert.equal(response.statusCode, 400, bad);
      assert.equal(response.json().error.code, "4000", bad);
    }
  });

  it("shows only the last 90 days", async () => {
    const customer = await t.addCustomer();
    await wrongPassword(customer, "198.51.100.90");
    t.clock.advance(91 * 24 * 60 * 60 * 1000);
    const browser = t.client();
    await logIn(customer, browser, 1);
    const items = (await browser.get("/api/v1/login-history")).json().items as Array<Record<string, string>>;
    assert.deepEqual(items.map((item) => item["outcome"]), ["success"]);
  });

  it("shows a customer only their own attempts, and nothing without a session ([4010])", async () => {
    const alice = await t.addCustomer();
    const bob = await t.addCustomer();
    await wrongPassword(bob, "198.51.100.66");
    const browser = t.client();
    await logIn(alice, browser, 1);
    const items = (await browser.get("/api/v1/login-history")).json().items as Array<Record<string, string>>;
    assert.ok(items.every((item) => item["ip"] !== "198.51.100.66"));
    const anonymous = await t.client().get("/api/v1/login-history");
    assert.equal(anonymous.statusCode, 401);
    assert.equal(anonymous.json().error.code, "4010");
  });
});
