import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { hash, verify } from "@node-rs/argon2";
import { sharedTestService } from "../support/test-service.ts";
import type { TestCustomer } from "../support/test-service.ts";
import type { WebClient } from "../support/web-client.ts";
import { wrongCodeFor } from "../support/codes.ts";
import { inputTag, inputValue, pageLogin, visibleText } from "../support/page-login.ts";

const CODE_SUBJECT = "【OKB証券】認証コードのお知らせ";
const NEW_PASSWORD = "a brand new passphrase";
const BIRTH_DATE = "1980-01-31";
const PIN = "2580";

/**
 * Issue 21 item 4, forms that forgive: the new password (and the new PIN) typed twice, checked on
 * the server ([4000], nothing changed); a show-password toggle served from our origin; after a
 * refusal only the wrong field is emptied and focused, the code and "sent to … / valid until …" stay.
 */
describe("account pages: forms that forgive (/password, /password/forgot/code, /trading-pin)", () => {
  const t = sharedTestService({ env: { RATE_LIMIT_CODE_MAILS_PER_CUSTOMER: "100/60", RATE_LIMIT_PASSWORD_PER_LOGIN_ID: "100/60" } });

  async function sendCode(customer: TestCustomer, browser: WebClient, path: string): Promise<{ code: string; body: string }> {
    const n = t.smtp.mails.filter((mail) => mail.to === customer.email && mail.subject === CODE_SUBJECT).length + 1;
    const response = await browser.post(path, { form: {} });
    assert.equal(response.statusCode, 200);
    return { code: await t.codeFor(customer.email, n), body: response.body };
  }

  it("/password step 2: a second field for the new password, and a show-password toggle for each password field, from /static/ (no inline script)", async () => {
    const customer = await t.addCustomer();
    const browser = await pageLogin(t, customer);
    const { body } = await sendCode(customer, browser, "/password/code");
    assert.match(visibleText(body), /新しいパスワード（確認のためもう一度入力）/);
    assert.match(inputTag(body, "newPasswordConfirm"), /name="newPasswordConfirm" type="password" autocomplete="new-password"/);
    assert.match(inputTag(body, "currentPassword"), /autocomplete="current-password"/);
    assert.match(inputTag(body, "code"), /autocomplete="one-time-code"/);
    for (const id of ["currentPassword", "newPassword", "newPasswordConfirm"]) {
      assert.match(body, new RegExp(`<button type="button" class="reveal" aria-controls="${id}" aria-pressed="false" hidden>パスワードを表示</button>`), id);
    }
    assert.match(body, /<script src="\/static\/show-password\.js" defer><\/script>/);
    const english = await browser.post("/password/code?lang=en", { form: {} });
    assert.match(visibleText(english.body), /New password \(again, to confirm\)/);
    assert.match(english.body, /aria-pressed="false" hidden>Show password<\/button>/);
    const script = await t.client().get("/static/show-password.js");
    assert.equal(script.statusCode, 200);
    assert.match(String(script.headers["content-type"]), /^text\/javascript/);
    assert.match(script.body, /aria-pressed/);
  });

  it("/password: the new password typed twice differently is refused [4000] at the new password, nothing changed; the same code then works", async () => {
    const customer = await t.addCustomer();
    const browser = await pageLogin(t, customer);
    const { code } = await sendCode(customer, browser, "/password/code");
    const missing = await browser.post("/password", { form: { currentPassword: customer.password, newPassword: NEW_PASSWORD, code } });
    assert.equal(missing.statusCode, 400, "the page form needs the second field");
    const mismatch = await browser.post("/password", { form: { currentPassword: customer.password, newPassword: NEW_PASSWORD, newPasswordConfirm: "a brand new passphrasf", code } });
    assert.equal(mismatch.statusCode, 400);
    assert.match(visibleText(mismatch.body), /\[4000\] 新しいパスワードと、確認のために入力したパスワードが一致しません。/);
    for (const id of ["newPassword", "newPasswordConfirm"]) {
      assert.match(inputTag(mismatch.body, id), /aria-invalid="true"/, id);
      assert.equal(inputValue(mismatch.body, id), "", `${id} emptied`);
    }
    assert.match(inputTag(mismatch.body, "newPassword"), /autofocus/);
    assert.match(inputTag(mismatch.body, "newPassword"), /aria-describedby="newPassword-error/);
    assert.match(mismatch.body, /<p class="field-error" id="newPassword-error">新しいパスワードと、確認のために入力したパスワードが一致しません。/);
    assert.equal(inputValue(mismatch.body, "code"), code, "the code stays");
    assert.match(mismatch.body, /id="masked-email"/, "where the code went stays");
    assert.equal((await t.auditEvents(customer.customer.id)).some((event) => event.event === "password.changed"), false);
    const english = await browser.post("/password?lang=en", { form: { currentPassword: customer.password, newPassword: NEW_PASSWORD, newPasswordConfirm: "something else", code } });
    assert.match(visibleText(english.body), /\[4000\] The new password and its confirmation do not match\./);
    const done = await browser.post("/password", { form: { currentPassword: customer.password, newPassword: NEW_PASSWORD, newPasswordConfirm: NEW_PASSWORD, code } });
    assert.equal(done.statusCode, 303, "the code was not used up by the refusals");
  });

  it("/password: a wrong current password empties and focuses only that field; the code, the new password and where and until when the code is valid stay", async () => {
    const customer = await t.addCustomer();
    const browser = await pageLogin(t, customer);
    const { code, body: sent } = await sendCode(customer, browser, "/password/code");
    const expiresAt = /id="expires-at">([^<]*)</.exec(sent)?.[1] ?? "";
    const wrong = await browser.post("/password", { form: { currentPassword: "not my password", newPassword: NEW_PASSWORD, newPasswordConfirm: NEW_PASSWORD, code } });
    assert.equal(wrong.statusCode, 401);
    assert.match(wrong.body, /\[5101\]/);
    const current = inputTag(wrong.body, "currentPassword");
    assert.equal(inputValue(wrong.body, "currentPassword"), "");
    assert.match(current, /aria-invalid="true"/);
    assert.match(current, /autofocus/);
    assert.match(current, /aria-describedby="currentPassword-error"/);
    assert.match(wrong.body, /id="currentPassword-error">現在のログインパスワードが正しくありません。/);
    assert.doesNotMatch(wrong.body, /id="error" tabindex="-1" autofocus/, "the field takes the focus, not the box");
    assert.equal(inputValue(wrong.body, "code"), code);
    assert.equal(inputValue(wrong.body, "newPassword"), NEW_PASSWORD);
    assert.equal(inputValue(wrong.body, "newPasswordConfirm"), NEW_PASSWORD);
    assert.doesNotMatch(inputTag(wrong.body, "code"), /autofocus|aria-invalid/);
    assert.match(wrong.body, /id="masked-email">[^<]*\*+[^<]*@example\.co\.jp</);
    assert.match(wrong.body, new RegExp(`id="expires-at">${expiresAt}<`));

    const wrongCode = await browser.post("/password", { form: { currentPassword: customer.password, newPassword: NEW_PASSWORD, newPasswordConfirm: NEW_PASSWORD, code: wrongCodeFor(code) } });
    assert.match(wrongCode.body, /\[5121\]/);
    assert.equal(inputValue(wrongCode.body, "code"), "", "the wrong code is emptied");
    assert.match(inputTag(wrongCode.body, "code"), /autofocus/);
    assert.equal(inputValue(wrongCode.body, "currentPassword"), customer.password);
    assert.match(wrongCode.body, /id="expires-at">/);
  });

  it("/password/forgot/code: the new password typed twice, checked ([4000], the code still usable); a wrong code empties only the code", async () => {
    const customer = await t.addCustomer({ birthDate: BIRTH_DATE });
    const browser = t.client();
    await browser.get("/password/forgot");
    const asked = await browser.post("/password/forgot", { form: { loginId: customer.loginId, birthYear: "1980", birthMonth: "1", birthDay: "31" } });
    assert.equal(asked.statusCode, 303);
    const page = await browser.get("/password/forgot/code");
    assert.match(inputTag(page.body, "newPasswordConfirm"), /type="password" autocomplete="new-password"/);
    assert.match(page.body, /aria-controls="newPasswordConfirm" aria-pressed="false" hidden>パスワードを表示</);
    await t.drainOutbox();
    const code = await t.codeFor(customer.email, 1);
    const mismatch = await browser.post("/password/forgot/code", { form: { code, newPassword: NEW_PASSWORD, newPasswordConfirm: "not the same" } });
    assert.equal(mismatch.statusCode, 400);
    assert.match(visibleText(mismatch.body), /\[4000\] 新しいパスワードと、確認のために入力したパスワードが一致しません。/);
    assert.equal(inputValue(mismatch.body, "code"), code);
    assert.match(inputTag(mismatch.body, "newPassword"), /autofocus/);
    assert.match(mismatch.body, /id="reset-code-sent"/);
    const wrong = await browser.post("/password/forgot/code", { form: { code: wrongCodeFor(code), newPassword: NEW_PASSWORD, newPasswordConfirm: NEW_PASSWORD } });
    assert.match(wrong.body, /\[5121\]/);
    assert.equal(inputValue(wrong.body, "code"), "");
    assert.match(inputTag(wrong.body, "code"), /autofocus/);
    assert.equal(inputValue(wrong.body, "newPassword"), NEW_PASSWORD);
    const done = await browser.post("/password/forgot/code", { form: { code, newPassword: NEW_PASSWORD, newPasswordConfirm: NEW_PASSWORD } });
    assert.equal(done.statusCode, 303);
  });

  it("/trading-pin: the new PIN typed twice (full-width digits count as typed), checked ([4000], nothing changed); a wrong current PIN keeps the code and the sent block", async () => {
    const customer = await t.addCustomer();
    await t.stores().tradingPins.set(customer.customer.id, await hash(PIN), t.clock.now());
    const browser = await pageLogin(t, customer);
    const { code, body } = await sendCode(customer, browser, "/trading-pin/code");
    assert.match(visibleText(body), /新しい取引暗証番号（確認のためもう一度入力）/);
    assert.match(inputTag(body, "newPinConfirm"), /name="newPinConfirm" type="password" inputmode="numeric" autocomplete="off"/);
    assert.match(body, /aria-controls="currentPin" aria-pressed="false" hidden>暗証番号を表示</);
    const mismatch = await browser.post("/trading-pin", { form: { currentPin: PIN, newPin: "8520", newPinConfirm: "8250", code } });
    assert.equal(mismatch.statusCode, 400);
    assert.match(visibleText(mismatch.body), /\[4000\] 新しい取引暗証番号と、確認のために入力した取引暗証番号が一致しません。/);
    assert.match(inputTag(mismatch.body, "newPin"), /autofocus/);
    assert.equal(inputValue(mismatch.body, "code"), code);
    assert.equal(await verify((await t.stores().tradingPins.find(customer.customer.id))?.pinHash ?? "", PIN), true, "the PIN is unchanged");
    const wrong = await browser.post("/trading-pin", { form: { currentPin: "1470", newPin: "8520", newPinConfirm: "８５２０", code } });
    assert.match(wrong.body, /\[5142\]/);
    assert.equal(inputValue(wrong.body, "currentPin"), "");
    assert.match(inputTag(wrong.body, "currentPin"), /autofocus/);
    assert.equal(inputValue(wrong.body, "code"), code);
    assert.match(wrong.body, /id="masked-email"/);
    const done = await browser.post("/trading-pin", { form: { currentPin: PIN, newPin: "8520", newPinConfirm: "８５２０", code } });
    assert.equal(done.statusCode, 303);
  });
});
