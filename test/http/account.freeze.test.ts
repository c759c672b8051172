import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { sharedTestService } from "../support/test-service.ts";
import type { TestCustomer } from "../support/test-service.ts";
import type { WebClient } from "../support/web-client.ts";
import { wrongCodeFor } from "../support/codes.ts";

const FROZEN_SUBJECT = "【OKB証券】ログイン停止（口座凍結）のお知らせ";

describe("freeze my account (POST /api/v1/account/freeze): seed Q9's emergency", () => {
  const t = sharedTestService({ env: { RATE_LIMIT_CODE_MAILS_PER_CUSTOMER: "100/60" } });

  async function loggedIn(customer: TestCustomer, n: number): Promise<WebClient> {
    const browser = t.client();
    await browser.post("/api/v1/login", { json: { loginId: customer.loginId, password: customer.password } });
    assert.equal((await browser.post("/api/v1/login/mfa", { json: { code: await t.codeFor(customer.email, n) } })).statusCode, 200);
    return browser;
  }

  it("after the password, ends every session, refuses a login with the right password with [5103], mails a notice, audits it", async () => {
    const customer = await t.addCustomer();
    const phone = await loggedIn(customer, 1);
    const browser = await loggedIn(customer, 2);
    const response = await browser.post("/api/v1/account/freeze", { json: { password: customer.password } });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), { status: "frozen" });
    assert.equal(browser.cookies.has("__Host-okb_session"), false);
    assert.equal((await browser.get("/api/v1/session")).statusCode, 401);
    assert.equal((await phone.get("/api/v1/session")).statusCode, 401, "every session ended");
    const login = await t.client().post("/api/v1/login", { json: { loginId: customer.loginId, password: customer.password } });
    assert.equal(login.statusCode, 423);
    assert.equal(login.json().error.code, "5103");
    assert.match(login.json().error.message, /コールセンター（0120-483744）/);
    const page = await t.client().post("/login", { form: { loginId: customer.loginId, password: customer.password } });
    assert.match(page.body, /\[5103\]/);
    const notice = await t.mailTo(customer.email, 1, FROZEN_SUBJECT);
    assert.match(notice.text, /ログインを停止（凍結）しました/);
    assert.doesNotMatch(notice.text, /https?:|www\./);
    const events = (await t.auditEvents(customer.customer.id)).map((event) => event.event);
    assert.ok(events.includes("account.frozen"));
    assert.equal(events.filter((event) => event === "login.refused_frozen").length, 2);
    assert.equal(t.smtp.mails.filter((mail) => mail.to === customer.email && mail.subject === "【OKB証券】認証コードのお知らせ").length, 2, "no code mail after the freeze");
  });

  it("a wrong password on a frozen account answers [5101] exactly as on any account (API and /login page) and counts toward the lockout: the freeze is told only after the right password (issue 17 item 10)", async () => {
    const customer = await t.addCustomer();
    const browser = await loggedIn(customer, 1);
    assert.equal((await browser.post("/api/v1/account/freeze", { json: { password: customer.password } })).statusCode, 200);
    const unfrozen = await t.addCustomer();
    const apiAnswer = async (loginId: string, password: string): Promise<string> => {
      const response = await t.client().post("/api/v1/login", { json: { loginId, password } });
      return `${response.statusCode} ${response.body}`;
    };
    const reference = await apiAnswer(unfrozen.loginId, "a wrong password");
    assert.match(reference, /^401 .*"5101"/u);
    assert.equal(await apiAnswer(customer.loginId, "a wrong password"), reference, "API: the same status and body as a wrong password on an account that is not frozen");
    assert.equal(await apiAnswer("nobody-has-this-id", "a wrong password"), reference, "and as an unknown ID");
    const pageAnswer = async (loginId: string, password: string): Promise<{ status: number; error: string }> => {
      const response = await t.client().post("/login", { form: { loginId, password } });
      return { status: response.statusCode, error: /\[(\d{4})\]/u.exec(response.body)?.[1] ?? "none" };
    };
    const pageReference = await pageAnswer(unfrozen.loginId, "a wrong password");
    assert.deepEqual(pageReference.error, "5101");
    assert.deepEqual(await pageAnswer(customer.loginId, "a wrong password"), pageReference, "/login: the same status and [5101]");
    const events = await t.auditEvents(customer.customer.id);
    assert.equal(events.filter((event) => event.event === "login.refused_frozen").length, 0, "a wrong password is not a refusal for the freeze");
    assert.equal(events.filter((event) => event.event === "password.failed").length, 2, "counted as a wrong password");
    const stored = await t.stores().customers.findById(customer.customer.id);
    assert.equal(stored?.failedCount, 2, "toward the lockout, as on any account");
    assert.equal((await t.client().post("/api/v1/login", { json: { loginId: customer.loginId, password: customer.password } })).json().error.code, "5103", "the right password still learns of the freeze");
  });

  it("a password reset started before the freeze: a wrong code is [5121] and counted, only the mailed code learns of the freeze [5103] (issue 17 item 10)", async () => {
    const customer = await t.addCustomer({ birthDate: "1980-01-31" });
    const resetting = t.client();
    const asked = await resetting.post("/api/v1/password-reset", { json: { loginId: customer.loginId, birthDate: "1980-01-31" } });
    assert.equal(asked.statusCode, 200);
    const code = await t.codeFor(customer.email, 1);
    const browser = await loggedIn(customer, 2);
    assert.equal((await browser.post("/api/v1/account/freeze", { json: { password: customer.password } })).statusCode, 200);
    const wrong = await resetting.post("/api/v1/password-reset/complete", { json: { code: wrongCodeFor(code), newPassword: "a fresh start passphrase" } });
    assert.equal(wrong.json().error.code, "5121", wrong.body);
    const right = await resetting.post("/api/v1/password-reset/complete", { json: { code, newPassword: "a fresh start passphrase" } });
    assert.equal(right.json().error.code, "5103", right.body);
    assert.equal((await t.client().post("/api/v1/login", { json: { loginId: customer.loginId, password: "a fresh start passphrase" } })).json().error.code, "5101", "the password did not change");
  });

  it("a code sent before the freeze no longer logs in", async () => {
    const customer = await t.addCustomer();
    const browser = await loggedIn(customer, 1);
    const pending = t.client();
    await pending.post("/api/v1/login", { json: { loginId: customer.loginId, password: customer.password } });
    const code = await t.codeFor(customer.email, 2);
    await browser.post("/api/v1/account/freeze", { json: { password: customer.password } });
    const late = await pending.post("/api/v1/login/mfa", { json: { code } });
    assert.equal(late.json().error.code, "5103");
  });

  it("a wrong password freezes nothing, answers [5101] and counts toward the lockout; without a session [4010]", async () => {
    const customer = await t.addCustomer();
    const browser = await loggedIn(customer, 1);
    const wrong = await browser.post("/api/v1/account/freeze", { json: { password: "not my password" } });
    assert.equal(wrong.json().error.code, "5101");
    assert.equal((await browser.get("/api/v1/session")).statusCode, 200, "still logged in, not frozen");
    const failures = (await t.auditEvents(customer.customer.id)).filter((event) => event.event === "password.failed");
    assert.equal(failures.length, 1);
    const anonymous = await t.client().post("/api/v1/account/freeze", { json: { password: customer.password } });
    assert.equal(anonymous.json().error.code, "4010");
    const malformed = await browser.post("/api/v1/account/freeze", { json: { password: 12345 } });
    assert.equal(malformed.json().error.code, "4000");
  });
});
