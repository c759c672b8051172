import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { sharedTestService } from "../support/test-service.ts";
import type { TestCustomer } from "../support/test-service.ts";
import type { WebClient } from "../support/web-client.ts";

const NOTICE = "【OKB証券】ログインのお知らせ";
const CODE = "【OKB証券】認証コードのお知らせ";

describe("login notices (issue 11 item 7): after every login unless turned off, always for a new device", () => {
  const t = sharedTestService({ env: { RATE_LIMIT_CODE_MAILS_PER_CUSTOMER: "100/60" } });

  /** Notice mails queued for the address, in order: written in the login's request, so no waiting. */
  async function notices(customer: TestCustomer): Promise<string[]> {
    const rows = await t.service.database.db.selectFrom("mail_outbox").select(["subject", "id"]).where("recipient", "=", customer.email).orderBy("created_at").execute();
    return rows.filter((row) => row.subject === NOTICE).map((row) => row.id);
  }

  async function logIn(customer: TestCustomer, browser: WebClient): Promise<void> {
    await browser.post("/api/v1/login", { json: { loginId: customer.loginId, password: customer.password } });
    const n = t.smtp.mails.filter((mail) => mail.to === customer.email && mail.subject === CODE).length + 1;
    const response = await browser.post("/api/v1/login/mfa", { json: { code: await t.codeFor(customer.email, n) } });
    assert.equal(response.statusCode, 200);
  }

  it("mails a notice after every completed login; the first from a device says it is new; the device cookie is long-lived and stored hashed", async () => {
    const customer = await t.addCustomer();
    const browser = t.client();
    await logIn(customer, browser);
    const first = await t.mailTo(customer.email, 1, NOTICE);
    assert.match(first.text, /これまでにご利用のない端末から/);
    assert.match(first.text, /ご利用環境: Chrome 120 \/ Windows 10/);
    assert.doesNotMatch(first.text, /https?:|www\./);
    const token = browser.cookies.get("__Host-okb_device") ?? "";
    assert.match(token, /^[A-Za-z0-9_-]{43}$/);
    const stored = await t.service.database.db.selectFrom("known_devices").select("device_hash").where("customer_id", "=", customer.customer.id).execute();
    assert.equal(stored.length, 1);
    assert.notEqual(stored[0]?.device_hash, token, "only a hash is stored");
    await logIn(customer, browser);
    const second = await t.mailTo(customer.email, 2, NOTICE);
    assert.doesNotMatch(second.text, /これまでにご利用のない端末から/, "the same browser is a known device");
  });

  it("with the every-login notice turned off, a known device logs in quietly and a new device is still notified", async () => {
    const customer = await t.addCustomer();
    const browser = t.client();
    await logIn(customer, browser);
    assert.deepEqual((await browser.get("/api/v1/settings/notices")).json(), { everyLogin: true });
    const off = await browser.put("/api/v1/settings/notices", { json: { everyLogin: false } });
    assert.deepEqual(off.json(), { everyLogin: false });
    assert.equal((await notices(customer)).length, 1);
    await logIn(customer, browser);
    assert.equal((await notices(customer)).length, 1, "no notice for a known device");
    await logIn(customer, t.client({ userAgent: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1" }));
    assert.equal((await notices(customer)).length, 2, "a new device is always notified");
    const last = await t.mailTo(customer.email, 2, NOTICE);
    assert.match(last.text, /これまでにご利用のない端末から/);
    assert.match(last.text, /Safari 17 \/ iOS 17\.2/);
    const changed = (await t.auditEvents(customer.customer.id)).filter((event) => event.event === "settings.changed");
    assert.deepEqual(changed.map((event) => event.detail), [{ notifyEveryLogin: false }]);
  });

  it("refuses a malformed setting ([4000]) and answers [4010] without a session", async () => {
    const customer = await t.addCustomer();
    const browser = t.client();
    await logIn(customer, browser);
    for (const json of [{ everyLogin: "no" }, {}, { everyLogin: true, extra: 1 }]) {
      assert.equal((await browser.put("/api/v1/settings/notices", { json })).json().error.code, "4000", JSON.stringify(json));
    }
    assert.equal((await t.client().get("/api/v1/settings/notices")).json().error.code, "4010");
    assert.equal((await t.client().put("/api/v1/settings/notices", { json: { everyLogin: false } })).json().error.code, "4010");
  });
});
