import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { noticeBody } from "../../src/core/mail/notice.ts";
import { brand, everyMail } from "../support/notice-fixtures.ts";
import type { FixtureMail } from "../support/notice-fixtures.ts";

/** The mail's Japanese part (greeting to the divider) and English part (after 「[English]」). */
function parts(mail: FixtureMail): { ja: string[]; en: string[] } {
  const lines = noticeBody(brand, mail.customerName, mail.notice).split("\n");
  const divider = lines.indexOf("[English]");
  assert.ok(divider > 0, `${mail.name}: has an English part`);
  return { ja: lines.slice(0, divider), en: lines.slice(divider + 1) };
}

const JAPANESE = /[\u3000-\u30ff\u4e00-\u9fff\uff00-\uffef]/u;

// The menus of マイページ a customer can use when a code or a lock was not theirs (issue 21 item 7),
// by the names the menu shows (src/web/account/i18n-account.ts).
const MENUS_JA = ["「ログイン履歴」", "「ご利用中の端末」", "「口座の凍結（ログイン停止）」"];
const MENUS_EN = ['"Login history"', '"Devices logged in"', '"Freeze account (stop logins)"'];

/** Code mails to the customer: the check of a new address goes to someone not yet known, and names nothing of the account. */
const CODE_MAILS_TO_THE_CUSTOMER = ["login-code", "password-change-code", "passkey-registration-code", "trading-pin-change-code", "password-reset-code", "confirmation-code"];

/**
 * Issue 21 items 5, 7 and 9: every mail in one spelling (お客さま) with full-width 「」（） in
 * Japanese, the English part all English (「不明 (unknown)」 was in it), each English title with
 * the brand, the call center's actions worded alike, no doubled brackets, a blank line before the
 * English footer; every code mail names the customer's own tools; the lock mail says a password
 * reset lifts the lock at once.
 */
describe("the wording of every mail (issue 21)", () => {
  const mails = everyMail();

  for (const mail of mails) {
    it(`${mail.name}: one spelling, full-width brackets in Japanese, English only in the English part`, () => {
      const { ja, en } = parts(mail);
      for (const line of ja) {
        assert.doesNotMatch(line, /お客様/u, `${mail.name}: お客さま, not お客様: ${line}`);
        assert.doesNotMatch(line, /[()"]/u, `${mail.name}: full-width （） and 「」 in Japanese: ${line}`);
        assert.doesNotMatch(line, /）（|（[^）]*（/u, `${mail.name}: no doubled or nested brackets: ${line}`);
      }
      for (const line of en) {
        assert.doesNotMatch(line, JAPANESE, `${mail.name}: no Japanese in the English part: ${line}`);
      }
      assert.ok(en[0]?.includes(brand.nameEn), `${mail.name}: the English title names ${brand.nameEn}: ${en[0]}`);
      const footer = en.indexOf(`${brand.nameEn} never sends links asking for your password or code.`);
      assert.ok(footer > 0, `${mail.name}: the English footer`);
      assert.equal(en[footer - 1], "", `${mail.name}: a blank line before the English footer`);
      const action = en.find((line) => line.startsWith("Action: "));
      if (action !== undefined) {
        assert.match(action, /^Action: [a-z]/u, `${mail.name}: the call center's action in lower case like the others: ${action}`);
      }
    });
  }

  for (const kind of CODE_MAILS_TO_THE_CUSTOMER) {
    it(`${kind}: names ログイン履歴, ご利用中の端末 and 口座の凍結 by their menu names`, () => {
      const mail = mails.find((one) => one.name === kind);
      assert.ok(mail !== undefined);
      const { ja, en } = parts(mail);
      for (const menu of MENUS_JA) {
        assert.ok(ja.join("\n").includes(menu), `${kind}: ${menu}`);
      }
      for (const menu of MENUS_EN) {
        assert.ok(en.join(" ").includes(menu), `${kind}: ${menu}`);
      }
    });
  }

  it("account-locked: a password reset (login ID, date of birth, the emailed code) lifts the lock at once; the call center too", () => {
    const mail = mails.find((one) => one.name === "account-locked");
    assert.ok(mail !== undefined);
    const { ja, en } = parts(mail);
    const japanese = ja.join("");
    assert.match(japanese, /「パスワードをお忘れの方」/u);
    assert.match(japanese, /ログインID・生年月日.*認証コード.*ロックはただちに解除されます/u);
    assert.match(japanese, /コールセンター/u);
    const english = en.join(" ");
    assert.match(english, /"Forgot your password\?"/u);
    assert.match(english, /login ID, your date of birth and the code we e-?mail.*lifts the lock at once/u);
  });
});
