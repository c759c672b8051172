import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { sharedTestService } from "../support/test-service.ts";
import type { TestCustomer } from "../support/test-service.ts";
import type { WebClient } from "../support/web-client.ts";
import { wrongCodeFor } from "../support/codes.ts";
import { pageLogin, visibleText } from "../support/page-login.ts";

const CODE_SUBJECT = "【OKB証券】認証コードのお知らせ";
const CHANGED_SUBJECT = "【OKB証券】ログインパスワード変更のお知らせ";
const NEW_PASSWORD = "a brand new passphrase";

/** Issue 11 items 4 and 7: /password (code, then current + new password + code) and /freeze, as pages. */
describe("account pages: /password and /freeze", () => {
  const t = sharedTestService({ env: { RATE_LIMIT_CODE_MAILS_PER_CUSTOMER: "100/60" } });

  /** Presses 「認証コードを送信」 and reads the code from the mail. */
  async function sendCode(customer: TestCustomer, browser: WebClient): Promise<{ code: string; body: string }> {
    const n = t.smtp.mails.filter((mail) => mail.to === customer.email && mail.subject === CODE_SUBJECT).length + 1;
    const response = await browser.post("/password/code", { form: {} });
    assert.equal(response.statusCode, 200);
    const mail = await t.mailTo(customer.email, n, CODE_SUBJECT);
    return { code: /認証コード: (\d{6})/.exec(mail.text)?.[1] ?? "", body: response.body };
  }

  it("step 1 shows the rules and the send button; step 2 says where and when the code went, with the right autocomplete and inputmode", async () => {
    const customer = await t.addCustomer();
    const browser = await pageLogin(t, customer);
    const first = await browser.get("/password");
    assert.equal(first.statusCode, 200);
    const text = visibleText(first.body);
    assert.match(text, /8文字以上256文字以内/);
    assert.match(text, /よく使われるパスワード、ログインIDと同じもの、現在のパスワードと同じものは設定できません。/);
    assert.match(first.body, /<button type="submit" id="send-code">認証コードを送信<\/button>/);
    assert.doesNotMatch(first.body, /name="newPassword"/);
    const { body } = await sendCode(customer, browser);
    assert.match(body, /id="masked-email">[^<]*\*+[^<]*@example\.co\.jp</);
    assert.match(body, /id="sent-at">\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}</);
    assert.match(body, /name="currentPassword" type="password" autocomplete="current-password"/);
    assert.match(body, /name="newPassword" type="password" autocomplete="new-password"/);
    assert.match(body, /name="code" type="text" inputmode="numeric" autocomplete="one-time-code"/);
  });

  it("changes the password: other sessions end, a notice is mailed, a confirmation page says so", async () => {
    const customer = await t.addCustomer();
    const other = await pageLogin(t, customer);
    const browser = await pageLogin(t, customer);
    const { code } = await sendCode(customer, browser);
    const response = await browser.post("/password", { form: { currentPassword: customer.password, newPassword: NEW_PASSWORD, newPasswordConfirm: NEW_PASSWORD, code } });
    assert.equal(response.statusCode, 303);
    assert.equal(response.headers.location, "/password?changed=1");
    const done = visibleText((await browser.get("/password?changed=1")).body);
    assert.match(done, /ログインパスワードを変更しました。/);
    assert.match(done, /この端末以外でのログインはすべて終了しました。/);
    assert.equal((await other.get("/")).statusCode, 303, "the other session ended");
    assert.equal((await browser.get("/")).statusCode, 200, "this one goes on");
    assert.match((await t.mailTo(customer.email, 1, CHANGED_SUBJECT)).text, /ログインパスワードが変更されました/);
    const fresh = await t.client().post("/login", { form: { loginId: customer.loginId, password: NEW_PASSWORD } });
    assert.equal(fresh.headers.location, "/login/mfa");
  });

  it("shows the refusals with their [code] on the page: wrong current password, common password with its reason, wrong code", async () => {
    const customer = await t.addCustomer();
    const browser = await pageLogin(t, customer);
    const { code } = await sendCode(customer, browser);
    const wrongCurrent = await browser.post("/password", { form: { currentPassword: "not my password", newPassword: NEW_PASSWORD, newPasswordConfirm: NEW_PASSWORD, code } });
    assert.equal(wrongCurrent.statusCode, 401);
    assert.match(wrongCurrent.body, /\[5101\] 現在のログインパスワードが正しくありません。/);
    assert.match(wrongCurrent.body, /id="currentPassword"[^>]*aria-invalid="true"/);
    assert.match(wrongCurrent.body, /id="currentPassword"[^>]*autofocus/, "the wrong field has the focus (issue 21 item 4)");
    const common = await browser.post("/password", { form: { currentPassword: customer.password, newPassword: "password1", newPasswordConfirm: "password1", code } });
    assert.equal(common.statusCode, 422);
    assert.match(visibleText(common.body), /\[5131\] 新しいパスワードを設定できません。このパスワードはよく使われているため、第三者に推測されるおそれがあります。/);
    assert.match(common.body, /id="newPassword"[^>]*aria-invalid="true"/);
    const english = await browser.post("/password?lang=en", { form: { currentPassword: customer.password, newPassword: customer.password, newPasswordConfirm: customer.password, code } });
    assert.match(english.body, /\[5131\] The new password cannot be used\. The new password must differ from the current one\./);
    const wrongCode = await browser.post("/password", { form: { currentPassword: customer.password, newPassword: NEW_PASSWORD, newPasswordConfirm: NEW_PASSWORD, code: wrongCodeFor(code) } });
    assert.match(wrongCode.body, /\[5121\] 認証コードが不正です。/);
    assert.match(wrongCode.body, /id="code"[^>]*aria-invalid="true"/);
    assert.match(wrongCode.body, /id="resend-code"/, "a button for a new code stays");
    const events = (await t.auditEvents(customer.customer.id)).map((event) => event.event);
    assert.equal(events.includes("password.changed"), false);
  });

  it("/freeze explains, asks for the password, refuses a wrong one with [5101]; the right one logs out, and then the right password is refused with [5103]", async () => {
    const customer = await t.addCustomer();
    const other = await pageLogin(t, customer);
    const browser = await pageLogin(t, customer);
    const page = await browser.get("/freeze");
    assert.equal(page.statusCode, 200);
    const text = visibleText(page.body);
    assert.match(text, /正しいパスワードと認証コードでも、どなたもログインできなくなります。/);
    assert.match(page.body, /<button type="submit" class="danger" id="freeze">口座を凍結する（ログインを停止）<\/button>/);
    const wrong = await browser.post("/freeze", { form: { password: "not my password" } });
    assert.equal(wrong.statusCode, 401);
    assert.match(wrong.body, /\[5101\]/);
    assert.match(wrong.body, /id="password"[^>]*aria-invalid="true"/);
    const frozen = await browser.post("/freeze", { form: { password: customer.password } });
    assert.equal(frozen.statusCode, 303);
    assert.equal(frozen.headers.location, "/freeze/done");
    assert.equal(browser.cookies.has("__Host-okb_session"), false);
    const done = await browser.get("/freeze/done");
    assert.match(visibleText(done.body), /ログインの再開をご希望の場合は、コールセンター（0120-483744）までご連絡ください。/);
    assert.match(done.body, /href="tel:0120483744"/);
    assert.equal((await browser.get("/")).statusCode, 303);
    assert.equal((await other.get("/")).statusCode, 303, "every session ended");
    const login = await t.client().post("/login", { form: { loginId: customer.loginId, password: customer.password } });
    assert.equal(login.statusCode, 423);
    assert.match(login.body, /\[5103\] お客さまのお申し出により、口座へのログインを停止しています。/);
  });
});
