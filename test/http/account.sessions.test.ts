import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { sharedTestService } from "../support/test-service.ts";
import type { TestCustomer } from "../support/test-service.ts";
import type { WebClient } from "../support/web-client.ts";

const PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1";

describe("ご利用中の端末 (/api/v1/sessions): see every live session, end one or all others", () => {
  const t = sharedTestService({ env: { RATE_LIMIT_CODE_MAILS_PER_CUSTOMER: "100/60" } });

  let codes = 0;
  async function loggedIn(customer: TestCustomer, options?: { ip?: string; userAgent?: string }): Promise<WebClient> {
    t.clock.advance(1000);
    const browser = t.client(options);
    await browser.post("/api/v1/login", { json: { loginId: customer.loginId, password: customer.password } });
    codes += 1;
    assert.equal((await browser.post("/api/v1/login/mfa", { json: { code: await t.codeFor(customer.email, codes) } })).statusCode, 200);
    return browser;
  }

  it("lists the customer's live sessions with device, IP and times, this one marked current; never a token", async () => {
    codes = 0;
    const customer = await t.addCustomer();
    const pc = await loggedIn(customer);
    const phone = await loggedIn(customer, { ip: "198.51.100.20", userAgent: PHONE });
    const response = await pc.get("/api/v1/sessions");
    assert.equal(response.statusCode, 200);
    const items = response.json().items as Array<Record<string, unknown>>;
    assert.deepEqual(
      items.map((item) => [item["device"], item["ip"], item["current"]]),
      [
        ["Safari 17 / iOS 17.2", "198.51.100.20", false],
        ["Chrome 120 / Windows 10", "203.0.113.10", true],
      ],
    );
    assert.match(String(items[0]?.["createdAt"]), /\+09:00$/);
    const tokens = [...pc.cookies.values(), ...phone.cookies.values()];
    for (const item of items) {
      assert.ok(!tokens.includes(String(item["id"])), "the ID is not a cookie value");
    }
  });

  it("ends another session by its ID: that browser is logged out, this one is not; audited", async () => {
    codes = 0;
    const customer = await t.addCustomer();
    const pc = await loggedIn(customer);
    const phone = await loggedIn(customer, { userAgent: PHONE });
    const phoneId = ((await pc.get("/api/v1/sessions")).json().items as Array<Record<string, unknown>>).find((item) => item["current"] === false)?.["id"];
    const response = await pc.delete(`/api/v1/sessions/${String(phoneId)}`);
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), { status: "ok" });
    assert.equal((await phone.get("/api/v1/session")).statusCode, 401, "the phone is logged out");
    assert.equal((await pc.get("/api/v1/session")).statusCode, 200, "this browser is not");
    const ended = (await t.auditEvents(customer.customer.id)).filter((event) => event.event === "session.ended");
    assert.deepEqual(ended.map((event) => event.detail["reason"]), ["ended_by_customer"]);
  });

  it("answers [4040] for an unknown or another customer's session and [4000] for a malformed ID, ending nothing", async () => {
    codes = 0;
    const alice = await t.addCustomer();
    const bob = await t.addCustomer();
    const alicePc = await loggedIn(alice);
    codes = 0;
    const bobPc = await loggedIn(bob);
    const bobsId = ((await bobPc.get("/api/v1/sessions")).json().items as Array<Record<string, unknown>>)[0]?.["id"];
    for (const id of [String(bobsId), "AAAAAAAAAAAAAAAAAAAAAA"]) {
      const response = await alicePc.delete(`/api/v1/sessions/${id}`);
      assert.equal(response.statusCode, 404, id);
      assert.equal(response.json().error.code, "4040");
    }
    const malformed = await alicePc.delete(`/api/v1/sessions/${encodeURIComponent("../x y")}`);
    assert.equal(malformed.statusCode, 400);
    assert.equal(malformed.json().error.code, "4000");
    assert.equal((await bobPc.get("/api/v1/session")).statusCode, 200, "Bob is still logged in");
  });

  it("ends all other sessions at once and says how many; ending this one logs this browser out", async () => {
    codes = 0;
    const customer = await t.addCustomer();
    const first = await loggedIn(customer);
    const second = await loggedIn(customer);
    const third = await loggedIn(customer);
    const response = await third.post("/api/v1/sessions/end-others", { json: {} });
    assert.deepEqual(response.json(), { ended: 2 });
    assert.equal((await first.get("/api/v1/session")).statusCode, 401);
    assert.equal((await second.get("/api/v1/session")).statusCode, 401);
    const mine = ((await third.get("/api/v1/sessions")).json().items as Array<Record<string, unknown>>).map((item) => item["id"]);
    assert.equal(mine.length, 1);
    assert.equal((await third.delete(`/api/v1/sessions/${String(mine[0])}`)).statusCode, 200);
    assert.equal(third.cookies.has("__Host-okb_session"), false, "the cookie is cleared");
    assert.equal((await third.get("/api/v1/session")).statusCode, 401);
  });

  it("refuses every route without a session ([4010])", async () => {
    const stranger = t.client();
    for (const response of [await stranger.get("/api/v1/sessions"), await stranger.post("/api/v1/sessions/end-others", { json: {} }), await stranger.delete("/api/v1/sessions/AAAAAAAAAAAAAAAAAAAAAA")]) {
      assert.equal(response.statusCode, 401);
      assert.equal(response.json().error.code, "4010");
    }
  });
});
