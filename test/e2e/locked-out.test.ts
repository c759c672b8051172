import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { browserSkipReason } from "../support/browser.ts";
import { LABELS, customerBrowser } from "../support/customer-browser.ts";
import { wrongCodeFor } from "../support/codes.ts";
import { nextCodeMail } from "../support/page-login.ts";

const BIRTH_DATE = "1980-01-31";
// 2026-12-04 is a Friday; 18:02 in Tokyo, after the call center (平日 9:00～17:00) has closed.
const FRIDAY_EVENING = Date.UTC(2026, 11, 4, 9, 2, 0);

const RESET = {
  ja: { year: "年", month: "月", day: "日", next: "次へ", newPassword: "新しいパスワード", confirm: "新しいパスワード（確認のためもう一度入力）", reset: "パスワードを再設定", resetLink: "パスワードを再設定する" },
  en: { year: "Year", month: "Month", day: "Day", next: "Next", newPassword: "New password", confirm: "New password (again, to confirm)", reset: "Reset password", resetLink: "Reset your password" },
} as const;

/**
 * Issue 21 item 5 in Chromium: locked out on a Friday evening, the login page (and the code
 * screen, and the login page after the lock ended a session) shows how to lift the lock now; the
 * customer follows the link, resets the password, logs in, and マイページ says how many wrong
 * passwords there were. Each screen in Japanese and English at 390 and 1280 px: screenshots,
 * axe-core, no sideways overflow, 44 px targets.
 */
describe("locked out on a Friday evening, in the browser", { skip: browserSkipReason() ?? false, timeout: 300_000 }, () => {
  const b = customerBrowser({ LOCKOUT_THRESHOLD: "3", RATE_LIMIT_CODE_MAILS_PER_CUSTOMER: "100/60" });

  for (const lang of ["ja", "en"] as const) {
    it(`${lang}: [5102] shows the reset that lifts the lock now; the reset does; マイページ counts the wrong passwords`, async () => {
      const { t, page, origin } = b;
      const q = lang === "en" ? "?lang=en" : "";
      const label = RESET[lang];
      // Each language on its own Friday evening hour: 18:02 and 19:02.
      t.clock.advance(FRIDAY_EVENING + (lang === "ja" ? 0 : 60) * 60_000 - t.clock.now());
      const customer = await t.addCustomer({ birthDate: BIRTH_DATE });
      await b.logIn(customer, customer.password, lang);
      t.clock.advance(60_000);

      // Three wrong passwords from elsewhere lock the account (LOCKOUT_THRESHOLD 3): the lock ends this browser's session.
      for (let attempt = 0; attempt < 3; attempt += 1) {
        await t.client().post("/login", { form: { loginId: customer.loginId, password: "not the password" } });
        t.clock.advance(60_000);
      }
      await page.goto(`${origin}/${q}`);
      assert.equal(page.url(), `${origin}/login${q}`);
      assert.equal(await page.locator("#session-note").innerText(), lang === "ja" ? "口座がロックされたため、ログアウトしました。" : "You were logged out because your account was locked.");
      await page.locator("#locked-help").waitFor();
      await b.look(`locked-session-ended-${lang}`);

      await b.typePassword(customer, customer.password, lang);
      assert.match(await page.locator("#error").innerText(), /\[5102\]/u);
      await page.locator("#locked-help").waitFor();
      await b.look(`locked-login-${lang}`);

      await Promise.all([page.waitForURL(`${origin}/password/forgot${q}`), page.getByRole("link", { name: label.resetLink }).click()]);
      await page.getByLabel(LABELS[lang].loginId).fill(customer.loginId);
      const [year, month, day] = BIRTH_DATE.split("-");
      await page.getByLabel(label.year, { exact: true }).fill(year ?? "");
      await page.getByLabel(label.month, { exact: true }).fill(month ?? "");
      await page.getByLabel(label.day, { exact: true }).fill(day ?? "");
      const n = nextCodeMail(t, customer);
      await Promise.all([page.waitForURL(`${origin}/password/forgot/code${q}`), page.getByRole("button", { name: label.next }).click()]);
      await t.drainOutbox();
      await page.getByLabel(LABELS[lang].code, { exact: true }).fill(await t.codeFor(customer.email, n));
      await page.getByLabel(label.newPassword, { exact: true }).fill(`a Friday evening ${lang}`);
      await page.getByLabel(label.confirm, { exact: true }).fill(`a Friday evening ${lang}`);
      await Promise.all([page.waitForURL(`${origin}/password/forgot/done${q}`), page.getByRole("button", { name: label.reset, exact: true }).click()]);

      await b.logIn(customer, `a Friday evening ${lang}`, lang);
      assert.equal(
        await page.locator("#failed-passwords").innerText(),
        lang === "ja" ? "前回ログイン以降、パスワードの誤りが3回ありました（最後：2026/12/04 18:05:00）。" : "Wrong passwords since your previous login: 3 (last: 2026/12/04 19:05:00).",
      );
      await b.look(`my-page-wrong-passwords-${lang}`);
    });

    it(`${lang}: the code screen's [5102] (the wrong code that locks) shows the same`, async () => {
      const { t, page, origin } = b;
      const customer = await t.addCustomer({ birthDate: BIRTH_DATE });
      const n = nextCodeMail(t, customer);
      await Promise.all([page.waitForURL(`${origin}/login/mfa${lang === "en" ? "?lang=en" : ""}`), b.typePassword(customer, customer.password, lang)]);
      const code = await t.codeFor(customer.email, n);
      for (let attempt = 0; attempt < 3; attempt += 1) {
        await page.getByLabel(LABELS[lang].code, { exact: true }).fill(wrongCodeFor(code));
        await Promise.all([page.waitForResponse((response) => response.request().method() === "POST"), page.getByRole("button", { name: LABELS[lang].button, exact: true }).click()]);
        await page.waitForLoadState();
      }
      assert.match(await page.locator("#error").innerText(), /\[5102\]/u);
      await page.locator("#locked-help").waitFor();
      await b.look(`locked-code-screen-${lang}`);
    });
  }
});
