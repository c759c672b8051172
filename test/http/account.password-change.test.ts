import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { sharedTestService, startTestService } from "../support/test-service.ts";
import type { TestCustomer } from "../support/test-service.ts";
import type { WebClient } from "../support/web-client.ts";
import { wrongCodeFor } from "../support/codes.ts";
import type { CaughtMail } from "../../src/adapters/mail/mail-catcher.ts";

const CODE_SUBJECT = "【OKB証券】認証コードのお知らせ";
const CHANGED_SUBJECT = "【OKB証券】ログインパスワード変更のお知らせ";
const NEW_PASSWORD = "a brand new passphrase";

describe("password change (POST /api/v1/password/code, POST /api/v1/password): current password + a fresh emailed code", () => {
  const t = sharedTestService({ env: { RATE_LIMIT_CODE_MAILS_PER_CUSTOMER: "100/60" } });

  const mailsTo = (customer: TestCustomer, subject: string): CaughtMail[] => t.smtp.mails.filter((mail) => mail.to === customer.email && mail.subject === subject);

  async function loggedIn(customer: TestCustomer): Promise<WebClient> {
    const browser = t.client();
    await browser.post("/api/v1/login", { json: { loginId: customer.loginId, password: customer.password } });
    const n = mailsTo(customer, CODE_SUBJECT).length + 1;
    const code = await t.codeFor(customer.email, n);
    assert.equal((await browser.post("/api/v1/login/mfa", { json: { code } })).statusCode, 200);
    return browser;
  }

  /** Asks for a password-change code and returns it, read from the mail as the customer would. */
  async function changeCode(customer: TestCustomer, browser: WebClient): Promise<{ code: string; mail: CaughtMail }> {
    const n = mailsTo(customer, CODE_SUBJECT).length + 1;
    const response = await browser.post("/api/v1/password/code", { json: {} });
    assert.equal(response.statusCode, 200);
    assert.equal(response.json().status, "code_sent");
    const mail = await t.mailTo(customer.email, n, CODE_SUBJECT);
    const code = /認証コード: (\d{6})/.exec(mail.text)?.[1];
    assert.ok(code !== undefined);
    return { code, mail };
  }

  it("changes the password: the old one stops working, the new one logs in, every other session ends, a notice is mailed", async () => {
    const customer = await t.addCustomer();
    const other = await loggedIn(customer);
    const browser = await loggedIn(customer);
    const { code, mail } = await changeCode(customer, browser);
    assert.match(mail.text, /ログインパスワード変更のための「認証コード」/, "the code mail says what it is for");
    assert.doesNotMatch(mail.text, /https?:|www\./);
    const response = await browser.post("/api/v1/password", { json: { currentPassword: customer.password, newPassword: NEW_PASSWORD, code } });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json(), { status: "ok" });
    assert.equal((await browser.get("/api/v1/session")).statusCode, 200, "this session goes on");
    assert.equal((await other.get("/api/v1/session")).statusCode, 401, "every other session ended");
    const notice = await t.mailTo(customer.email, 1, CHANGED_SUBJECT);
    assert.match(notice.text, /ログインパスワードが変更されました/);
    assert.doesNotMatch(notice.text, new RegExp(NEW_PASSWORD));
    const old = await t.client().post("/api/v1/login", { json: { loginId: customer.loginId, password: customer.password } });
    assert.equal(old.json().error?.code, "5101");
    const fresh = await t.client().post("/api/v1/login", { json: { loginId: customer.loginId, password: NEW_PASSWORD } });
    assert.equal(fresh.json().status, "mfa_required");
    const reused = await browser.post("/api/v1/password", { json: { currentPassword: NEW_PASSWORD, newPassword: "yet another passphrase", code } });
    assert.equal(reused.json().error.code, "5121", "a used code does not work twice");
  });

  it("refuses a new password by the rules with [5131] and its reason, keeping the code usable", async () => {
    const customer = await t.addCustomer();
    const browser = await loggedIn(customer);
    const { code } = await changeCode(customer, browser);
    const cases: Array<[string, string]> = [
      ["short", "too_short"],
      ["password1", "common"],
      [customer.password, "same_as_current"],
      [customer.loginId, customer.loginId.length >= 8 ? "same_as_login_id" : "too_short"],
      ["x".repeat(257), "too_long"],
    ];
    for (const [newPassword, reason] of cases) {
      const response = await browser.post("/api/v1/password", { json: { currentPassword: customer.password, newPassword, code } });
      assert.equal(response.statusCode, 422, reason);
      assert.equal(response.json().error.code, "5131");
      assert.equal(response.json().error.reason, reason);
      assert.match(response.json().error.message, /^新しいパスワードを設定できません。/);
    }
    const ok = await browser.post("/api/v1/password", { json: { currentPassword: customer.password, newPassword: NEW_PASSWORD, code } });
    assert.equal(ok.statusCode, 200, "the code was not used up by refused passwords");
  });

  it("refuses a wrong current password ([5101]) and a wrong code ([5121]), counting both toward the lockout, changing nothing", async () => {
    const customer = await t.addCustomer();
    const browser = await loggedIn(customer);
    const { code } = await changeCode(customer, browser);
    const wrongCurrent = await browser.post("/api/v1/password", { json: { currentPassword: "not my password", newPassword: NEW_PASSWORD, code } });
    assert.equal(wrongCurrent.json().error.code, "5101");
    assert.equal(wrongCurrent.json().error.message, "現在のログインパスワードが正しくありません。", "no login ID was typed here");
    const wrongCode = await browser.post("/api/v1/password", { json: { currentPassword: customer.password, newPassword: NEW_PASSWORD, code: wrongCodeFor(code) } });
    assert.equal(wrongCode.json().error.code, "5121");
    const events = (await t.auditEvents(customer.customer.id)).map((event) => event.event);
    assert.ok(events.includes("password.failed") && events.includes("code.failed"));
    assert.equal(events.includes("password.changed"), false);
    const stillOld = await t.client().post("/api/v1/login", { json: { loginId: customer.loginId, password: customer.password } });
    assert.equal(stillOld.json().status, "mfa_required", "the password did not change");
  });

  it("takes only the newest code of this session: an older one gets the newer-code hint, another session's code is refused, an expired one [5122]", async () => {
    const customer = await t.addCustomer();
    const browser = await loggedIn(customer);
    const other = await loggedIn(customer);
    const first = await changeCode(customer, browser);
    const second = await changeCode(customer, browser);
    const older = await browser.post("/api/v1/password", { json: { currentPassword: customer.password, newPassword: NEW_PASSWORD, code: first.code } });
    if (first.code !== second.code) {
      assert.equal(older.json().error.code, "5121");
      assert.ok(older.json().error.hint, "a newer code has been sent");
    }
    const elsewhere = await other.post("/api/v1/password", { json: { currentPassword: customer.password, newPassword: NEW_PASSWORD, code: second.code } });
    assert.equal(elsewhere.json().error.code, "5121", "bound to the session that asked");
    t.clock.advance(10 * 60 * 1000);
    const late = await browser.post("/api/v1/password", { json: { currentPassword: customer.password, newPassword: NEW_PASSWORD, code: second.code } });
    assert.equal(late.json().error.code, "5122");
    assert.match(late.json().error.message, /もう一度認証コードの送信からお手続きください/, "a new code, not a new login, is the way on");
  });

  it("counts its code mails toward the per-customer code-mail limit, and refuses everything without a session", async (context) => {
    const limited = await startTestService(context, { env: { RATE_LIMIT_CODE_MAILS_PER_CUSTOMER: "2/900" } });
    const customer = await limited.addCustomer();
    const browser = limited.client();
    await browser.post("/api/v1/login", { json: { loginId: customer.loginId, password: customer.password } });
    await browser.post("/api/v1/login/mfa", { json: { code: await limited.codeFor(customer.email) } });
    assert.equal((await browser.post("/api/v1/password/code", { json: {} })).statusCode, 200, "the second code mail");
    const third = await browser.post("/api/v1/password/code", { json: {} });
    assert.equal(third.statusCode, 429);
    const anonymous = limited.client();
    for (const response of [await anonymous.post("/api/v1/password/code", { json: {} }), await anonymous.post("/api/v1/password", { json: { currentPassword: "x", newPassword: "y", code: "123456" } })]) {
      assert.equal(response.json().error.code, "4010");
    }
  });
});
