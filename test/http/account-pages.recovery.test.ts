import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { sharedTestService } from "../support/test-service.ts";
import type { WebClient } from "../support/web-client.ts";
import { wrongCodeFor } from "../support/codes.ts";
import { birthDateFields, pageLogin, visibleText } from "../support/page-login.ts";

const BIRTH_DATE = "1980-01-31";
const CODE_SUBJECT = "【OKB証券】認証コードのお知らせ";
const NEW_PASSWORD = "a fresh start passphrase";

/** Issue 11 items 5 and 6: /password/forgot and /login-id/forgot, linked from the login page. */
describe("account pages: /password/forgot and /login-id/forgot", () => {
  const t = sharedTestService({ env: { LOCKOUT_THRESHOLD: "3", RATE_LIMIT_CODE_MAILS_PER_CUSTOMER: "100/60", RATE_LIMIT_PASSWORD_PER_LOGIN_ID: "100/60" } });



  /** Step 1 of the reset; the next screen's visible text. */
  async function askReset(browser: WebClient, loginId: string, birthDate: string): Promise<string> {
    const response = await browser.post("/password/forgot", { form: { loginId, ...birthDateFields(birthDate) } });
    assert.equal(response.statusCode, 303);
    assert.equal(response.headers.location, "/password/forgot/code");
    const next = await browser.get("/password/forgot/code");
    assert.equal(next.statusCode, 200);
    return visibleText(next.body).replace(/name="_csrf" value="[^"]*"/, "");
  }

  it("the login page links to both pages, which need no session", async () => {
    const login = await t.client().get("/login");
    assert.match(login.body, /<a href="\/password\/forgot" id="forgot-password-link">パスワードをお忘れの方<\/a>/);
    assert.match(login.body, /<a href="\/login-id\/forgot" id="forgot-login-id-link">ログインIDをお忘れの方<\/a>/);
    const forgot = await t.client().get("/password/forgot");
    assert.equal(forgot.statusCode, 200);
    assert.match(forgot.body, /name="birthYear" type="text" inputmode="numeric"/);
    assert.match(visibleText(forgot.body), /生年月日をご登録いただいていないお客さまには、認証コードをお送りできません。お手数ですが、コールセンター（0120-483744）までご連絡ください。/);
    assert.equal((await t.client().get("/login-id/forgot")).statusCode, 200);
    assert.equal((await t.client().get("/password/forgot/code")).headers.location, "/password/forgot", "no reset cookie: back to the start");
  });

  it("resets the password with the mailed code: the same next screen, all sessions end, a lock is lifted", async () => {
    const customer = await t.addCustomer({ birthDate: BIRTH_DATE });
    const earlier = await pageLogin(t, customer);
    for (let i = 0; i < 3; i += 1) {
      await t.client().post("/login", { form: { loginId: customer.loginId, password: `wrong ${i}` } });
    }
    const locked = await t.client().post("/login", { form: { loginId: customer.loginId, password: customer.password } });
    assert.match(locked.body, /\[5102\]/, "locked by the failed attempts");
    const browser = t.client();
    const n = t.smtp.mails.filter((mail) => mail.to === customer.email && mail.subject === CODE_SUBJECT).length + 1;
    const text = await askReset(browser, customer.loginId, BIRTH_DATE);
    assert.match(text, /ご登録の情報と一致した場合、「重要メール」のメールアドレス宛に認証コードを送信しました。/);
    assert.match(text, /生年月日をご登録いただいていないお客さま/);
    const code = /認証コード: (\d{6})/.exec((await t.mailTo(customer.email, n, CODE_SUBJECT)).text)?.[1] ?? "";
    const wrong = await browser.post("/password/forgot/code", { form: { code: wrongCodeFor(code), newPassword: NEW_PASSWORD, newPasswordConfirm: NEW_PASSWORD } });
    assert.match(wrong.body, /\[5121\] 認証コードが不正です。/);
    assert.match(wrong.body, /id="code"[^>]*aria-invalid="true"/);
    const common = await browser.post("/password/forgot/code", { form: { code, newPassword: "password1", newPasswordConfirm: "password1" } });
    assert.match(visibleText(common.body), /\[5131\] 新しいパスワードを設定できません。このパスワードはよく使われている/);
    const done = await browser.post("/password/forgot/code", { form: { code, newPassword: NEW_PASSWORD, newPasswordConfirm: NEW_PASSWORD } });
    assert.equal(done.statusCode, 303);
    assert.equal(done.headers.location, "/password/forgot/done");
    assert.equal(browser.cookies.has("__Host-okb_reset"), false);
    assert.match(visibleText((await browser.get("/password/forgot/done")).body), /ログインパスワードを再設定しました。/);
    assert.equal((await earlier.get("/")).statusCode, 303, "every session ended");
    const login = await t.client().post("/login", { form: { loginId: customer.loginId, password: NEW_PASSWORD } });
    assert.equal(login.headers.location, "/login/mfa", "the lock is lifted");
  });

  it("answers an unknown ID, a wrong date and no date on record with the same page, and mails nothing", async () => {
    const matched = await t.addCustomer({ birthDate: BIRTH_DATE });
    const reference = await askReset(t.client(), matched.loginId, BIRTH_DATE);
    const wrongDate = await t.addCustomer({ birthDate: BIRTH_DATE });
    const noDate = await t.addCustomer();
    for (const [loginId, birthDate] of [["nobody-has-this-id", BIRTH_DATE], [wrongDate.loginId, "1980-02-01"], [noDate.loginId, BIRTH_DATE]] as const) {
      assert.equal(await askReset(t.client(), loginId, birthDate), reference, loginId);
    }
    for (const customer of [wrongDate, noDate]) {
      assert.deepEqual(await t.queuedSubjects(customer.email), []);
    }
    const bad = await t.client().post("/password/forgot", { form: { loginId: matched.loginId, ...birthDateFields("1980-02-30") } });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /\[4000\]/);
    assert.match(bad.body, /id="birthDay"[^>]*aria-invalid="true"/);
  });

  it("/login-id/forgot answers the same whether or not anyone matched, and mails the ID only on a match", async () => {
    const customer = await t.addCustomer({ birthDate: BIRTH_DATE });
    const matched = await t.client().post("/login-id/forgot", { form: { email: customer.email, ...birthDateFields(BIRTH_DATE) } });
    const unmatched = await t.client().post("/login-id/forgot", { form: { email: "nobody@example.co.jp", ...birthDateFields(BIRTH_DATE) } });
    assert.equal(matched.statusCode, 303);
    assert.equal(matched.headers.location, "/login-id/forgot?sent=1");
    assert.equal(unmatched.headers.location, matched.headers.location);
    const page = await t.client().get("/login-id/forgot?sent=1");
    assert.match(visibleText(page.body), /一致するお客さまがいらっしゃる場合、ログインIDをメールでお送りしました。/);
    assert.doesNotMatch(page.body, new RegExp(customer.loginId));
    const mails = await t.queuedSubjects(customer.email);
    assert.equal(mails.length, 1);
    assert.deepEqual(await t.queuedSubjects("nobody@example.co.jp"), []);
    const english = await t.client().post("/login-id/forgot?lang=en", { form: { email: customer.email, ...birthDateFields(BIRTH_DATE) } });
    assert.equal(english.headers.location, "/login-id/forgot?lang=en&sent=1");
  });
});
