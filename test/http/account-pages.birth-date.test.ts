import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { sharedTestService } from "../support/test-service.ts";
import { fullWidth } from "../support/codes.ts";
import { inputTag, visibleText } from "../support/page-login.ts";

const BIRTH_DATE = "1956-04-01";
const CODE_SUBJECT = "【OKB証券】認証コードのお知らせ";

/**
 * Issue 21 item 10: the recovery forms ask the date of birth as 年 / 月 / 日, three numeric fields
 * in a fieldset, and the server puts them together as YYYY-MM-DD (the JSON API's `birthDate` is
 * unchanged); a date that does not exist gets the answer a bad date always got, and nothing is asked.
 */
describe("account pages: the date of birth as 年 / 月 / 日 (/password/forgot, /login-id/forgot)", () => {
  const t = sharedTestService({ env: { RATE_LIMIT_CODE_MAILS_PER_CUSTOMER: "100/60", RATE_LIMIT_PASSWORD_PER_LOGIN_ID: "100/60" } });

  for (const path of ["/password/forgot", "/login-id/forgot"]) {
    it(`${path}: three numeric fields, labelled, in a fieldset with a legend and an example`, async () => {
      const page = await t.client().get(path);
      assert.equal(page.statusCode, 200);
      assert.doesNotMatch(page.body, /type="date"/);
      assert.match(page.body, /<fieldset class="date-fields"[^>]*>\s*<legend>生年月日<\/legend>/);
      assert.match(visibleText(page.body), /例：1956年 4月 1日/);
      for (const [id, autocomplete, label] of [["birthYear", "bday-year", "年"], ["birthMonth", "bday-month", "月"], ["birthDay", "bday-day", "日"]] as const) {
        const tag = inputTag(page.body, id);
        assert.match(tag, new RegExp(`name="${id}" type="text" inputmode="numeric" autocomplete="${autocomplete}"`), id);
        assert.match(tag, /aria-describedby="birth-date-help"/, id);
        assert.match(page.body, new RegExp(`<label for="${id}">${label}</label>`), id);
      }
      const english = await t.client().get(`${path}?lang=en`);
      assert.match(english.body, /<legend>Date of birth<\/legend>/);
      assert.match(english.body, /<label for="birthYear">Year<\/label>/);
    });
  }

  it("/password/forgot: the three fields (full-width digits, a month without its zero) are the date; a code is mailed on a match", async () => {
    const customer = await t.addCustomer({ birthDate: BIRTH_DATE });
    const browser = t.client();
    await browser.get("/password/forgot");
    const response = await browser.post("/password/forgot", { form: { loginId: customer.loginId, birthYear: fullWidth("1956"), birthMonth: "4", birthDay: "01" } });
    assert.equal(response.statusCode, 303);
    assert.equal(response.headers.location, "/password/forgot/code");
    await t.drainOutbox();
    assert.match((await t.mailTo(customer.email, 1, CODE_SUBJECT)).text, /認証コード: \d{6}/);
  });

  it("/login-id/forgot: the three fields are the date; the login ID is mailed on a match", async () => {
    const customer = await t.addCustomer({ birthDate: BIRTH_DATE });
    const browser = t.client();
    await browser.get("/login-id/forgot");
    const response = await browser.post("/login-id/forgot", { form: { email: customer.email, birthYear: "1956", birthMonth: "04", birthDay: "1" } });
    assert.equal(response.statusCode, 303);
    assert.equal(response.headers.location, "/login-id/forgot?sent=1");
    await t.drainOutbox();
    assert.equal((await t.queuedSubjects(customer.email)).length, 1);
  });

  for (const [what, fields] of [
    ["a date that does not exist", { birthYear: "1956", birthMonth: "2", birthDay: "30" }],
    ["a month of 13", { birthYear: "1956", birthMonth: "13", birthDay: "1" }],
    ["a two-digit year", { birthYear: "56", birthMonth: "4", birthDay: "1" }],
    ["letters", { birthYear: "1956", birthMonth: "四", birthDay: "1" }],
    ["an empty day", { birthYear: "1956", birthMonth: "4", birthDay: "" }],
  ] as const) {
    it(`refuses ${what} with [4000] as any bad date, the fields marked and kept, nothing asked`, async () => {
      const customer = await t.addCustomer({ birthDate: BIRTH_DATE });
      for (const [path, first] of [["/password/forgot", { loginId: customer.loginId }], ["/login-id/forgot", { email: customer.email }]] as const) {
        const browser = t.client();
        await browser.get(path);
        const bad = await browser.post(path, { form: { ...first, ...fields } });
        assert.equal(bad.statusCode, 400, path);
        assert.match(visibleText(bad.body), /\[4000\] 入力内容に誤りがあります。/, path);
        for (const id of ["birthYear", "birthMonth", "birthDay"]) {
          assert.match(inputTag(bad.body, id), /aria-invalid="true"/, `${path} ${id}`);
        }
        assert.match(inputTag(bad.body, "birthMonth"), new RegExp(`value="${fields.birthMonth}"`), "what was typed stays");
      }
      await t.drainOutbox();
      assert.deepEqual(await t.queuedSubjects(customer.email), []);
      const events = (await t.auditEvents(customer.customer.id)).map((event) => event.event);
      assert.deepEqual(events.filter((event) => /^(password_reset|login_id)/.test(event)), [], "nothing asked for the customer");
    });
  }
});
