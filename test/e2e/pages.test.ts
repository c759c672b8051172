import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { statSync } from "node:fs";
import type { Page } from "playwright-core";
import { VIEWPORTS, axeViolations, browserSkipReason, describeViolations, launchBrowser, screenshotPath } from "../support/browser.ts";
import type { TestBrowser } from "../support/browser.ts";
import { sharedTestService } from "../support/test-service.ts";
import { wrongCodeFor } from "../support/codes.ts";
import { pageLogin } from "../support/page-login.ts";
import { freePort, smallTargets } from "../support/page-checks.ts";
import { hash as argon2Hash } from "@node-rs/argon2";

type Lang = "ja" | "en";

/**
 * STYLE 20 and issue 11, item f: every page a customer can see (login, the code screen,
 * マイページ, both help pages, the error page, and the login page after an error and after
 * logout), in Japanese and English, at phone width (390 px) and desktop width (1280 px):
 * a screenshot of each in test-output/screenshots/ for a person to read, axe-core with
 * no violation, nothing wider than the phone's screen, every button and link at least
 * 44 × 44 px, and no CSP complaint in the console (the pages run under their real CSP).
 */
describe("every page, phone and desktop, Japanese and English: screenshots, axe-core, layout", { skip: browserSkipReason() ?? false, timeout: 600_000 }, () => {
  let port = 0;
  let origin = "";
  let browser: TestBrowser;
  let page: Page;
  const consoleErrors: string[] = [];
  const checked: string[] = [];

  // Hooks run in the order registered: the port first (the service's PUBLIC_URL names it), the browser closed before the service.
  before(async () => {
    port = await freePort();
    // `localhost`: Chromium keeps Secure (`__Host-`) cookies on plain http only for localhost.
    origin = `http://localhost:${port}`;
  });
  after(async () => {
    await browser?.close();
  });
  const t = sharedTestService(() => ({ env: { PUBLIC_URL: origin } }));
  before(async () => {
    await t.service.app.listen({ host: "127.0.0.1", port });
    browser = await launchBrowser();
    page = browser.page;
    page.setDefaultTimeout(15_000);
    // Only what the CSP refused: a 401 or 404 page logs its own status as a console error too.
    page.on("console", (message) => {
      if (message.type() === "error" && /Content Security Policy/i.test(message.text())) {
        consoleErrors.push(message.text());
      }
    });
  });

  /** Looks at the page as it is now at both widths: screenshot, axe, overflow, targets, console. */
  async function checkPage(name: string): Promise<void> {
    for (const viewport of VIEWPORTS) {
      await page.setViewportSize({ width: viewport.width, height: viewport.height });
      const file = screenshotPath(`${name}-${viewport.name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      assert.ok(statSync(file).size > 1000, `${file} written`);
      assert.deepEqual(describeViolations(await axeViolations(page)), [], `${name} at ${viewport.width} px: axe-core violations`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.equal(overflow, 0, `${name} at ${viewport.width} px: nothing wider than the screen`);
      assert.deepEqual(await smallTargets(page), [], `${name} at ${viewport.width} px: targets under 44 px`);
    }
    assert.deepEqual(consoleErrors.splice(0), [], `${name}: CSP refusals in the console`);
    checked.push(name);
  }

  for (const lang of ["ja", "en"] as const satisfies readonly Lang[]) {
    const q = lang === "en" ? "?lang=en" : "";
    const label = {
      ja: { loginId: "ログインID", password: "ログインパスワード", button: "ログイン", code: "認証コード", logout: "ログアウト" },
      en: { loginId: "Login ID", password: "Password", button: "Log in", code: "Authentication code", logout: "Log out" },
    }[lang];

    it(`${lang}: the login page, both help pages and the error page`, async () => {
      for (const [name, url, status] of [
        ["login", "/login", 200],
        ["help", "/help", 200],
        ["help-code-not-received", "/help/code-not-received", 200],
        ["error-404", "/no-such-page", 404],
      ] as const) {
        const response = await page.goto(`${origin}${url}${q}`);
        assert.equal(response?.status(), status, url);
        assert.equal(await page.getAttribute("html", "lang"), lang);
        await checkPage(`${name}-${lang}`);
      }
    });

    it(`${lang}: the login page after a wrong password, the code screen before and after a wrong code, マイページ, and the login page after logout`, async () => {
      const customer = await t.addCustomer({ loginId: `pages-${lang}`, email: `pages-${lang}@example.co.jp`, name: "山田 太郎" });
      await page.goto(`${origin}/login${q}`);
      await page.getByLabel(label.loginId).fill(customer.loginId);
      await page.getByLabel(label.password).fill("not the password");
      await page.getByRole("button", { name: label.button, exact: true }).click();
      await page.locator("#error").waitFor();
      await checkPage(`login-error-${lang}`);

      await page.getByLabel(label.password).fill(customer.password);
      await Promise.all([page.waitForURL(`${origin}/login/mfa${q}`), page.getByRole("button", { name: label.button, exact: true }).click()]);
      await checkPage(`login-mfa-${lang}`);

      const code = await t.codeFor(customer.email);
      await page.getByLabel(label.code, { exact: true }).fill(wrongCodeFor(code));
      await page.getByRole("button", { name: label.button, exact: true }).click();
      await page.locator("#error").waitFor();
      await checkPage(`login-mfa-error-${lang}`);

      await page.getByLabel(label.code, { exact: true }).fill(code);
      await Promise.all([page.waitForURL(`${origin}/${q}`), page.getByRole("button", { name: label.button, exact: true }).click()]);
      await checkPage(`my-page-${lang}`);

      await Promise.all([page.waitForURL(/\/login\?loggedOut=1/), page.getByRole("button", { name: label.logout }).click()]);
      await page.locator("#logged-out").waitFor();
      await checkPage(`logged-out-${lang}`);
    });
  }

  for (const lang of ["ja", "en"] as const satisfies readonly Lang[]) {
    const q = lang === "en" ? "?lang=en" : "";
    const label = {
      ja: { loginId: "ログインID", password: "ログインパスワード", button: "ログイン", code: "認証コード", save: "設定を保存", send: "認証コードを送信", current: "現在のパスワード", newPassword: "新しいパスワード", confirm: "新しいパスワード（確認のためもう一度入力）", change: "パスワードを変更", next: "次へ", year: "年", month: "月", day: "日", reset: "パスワードを再設定", email: "メールアドレス", freeze: "口座を凍結する（ログインを停止）", logout: "ログアウト" },
      en: { loginId: "Login ID", password: "Password", button: "Log in", code: "Authentication code", save: "Save settings", send: "Send the code", current: "Current password", newPassword: "New password", confirm: "New password (again, to confirm)", change: "Change password", next: "Next", year: "Year", month: "Month", day: "Day", reset: "Reset password", email: "Mail address", freeze: "Freeze my account (stop logins)", logout: "Log out" },
    }[lang];

    it(`${lang}: the customer's security pages (issue 11): マイページ with お知らせ設定, ログイン履歴, ご利用中の端末, パスワード変更, the forgotten password and login ID, 口座の凍結`, async () => {
      /** The date of birth as 年 / 月 / 日 (issue 21 item 10). */
      const fillBirthDate = async (year: string, month: string, day: string): Promise<void> => {
        await page.getByLabel(label.year, { exact: true }).fill(year);
        await page.getByLabel(label.month, { exact: true }).fill(month);
        await page.getByLabel(label.day, { exact: true }).fill(day);
      };
      const customer = await t.addCustomer({ loginId: `account-pages-${lang}`, email: `account-pages-${lang}@example.co.jp`, name: "山田 太郎" });
      await t.service.database.db.updateTable("customers").set({ birth_date: "1980-01-31" }).where("id", "=", customer.customer.id).execute();
      // A second session, so ご利用中の端末 shows one to end.
      await pageLogin(t, customer);
      await page.goto(`${origin}/login${q}`);
      await page.getByLabel(label.loginId).fill(customer.loginId);
      await page.getByLabel(label.password).fill(customer.password);
      await Promise.all([page.waitForURL(`${origin}/login/mfa${q}`), page.getByRole("button", { name: label.button, exact: true }).click()]);
      await page.getByLabel(label.code, { exact: true }).fill(await t.codeFor(customer.email, 2));
      await Promise.all([page.waitForURL(`${origin}/${q}`), page.getByRole("button", { name: label.button, exact: true }).click()]);
      await Promise.all([page.waitForURL(/saved=notices/), page.getByRole("button", { name: label.save }).click()]);
      await checkPage(`my-page-notices-saved-${lang}`);

      await page.goto(`${origin}/history${q}`);
      await checkPage(`history-${lang}`);
      await page.goto(`${origin}/sessions${q}`);
      await checkPage(`sessions-${lang}`);

      await page.goto(`${origin}/password${q}`);
      await checkPage(`password-${lang}`);
      await page.getByRole("button", { name: label.send }).click();
      await page.locator("#masked-email").waitFor();
      await checkPage(`password-code-sent-${lang}`);
      const code = await t.codeFor(customer.email, 3);
      await page.getByLabel(label.current).fill(customer.password);
      await page.getByLabel(label.newPassword, { exact: true }).fill("password1");
      await page.getByLabel(label.confirm, { exact: true }).fill("password1");
      await page.getByLabel(label.code, { exact: true }).fill(code);
      await page.getByRole("button", { name: label.change }).click();
      await page.locator("#error").waitFor();
      await checkPage(`password-error-${lang}`);
      await page.getByLabel(label.current).fill(customer.password);
      await page.getByLabel(label.newPassword, { exact: true }).fill("a brand new passphrase");
      await page.getByLabel(label.confirm, { exact: true }).fill("a brand new passphrase");
      await page.getByLabel(label.code, { exact: true }).fill(code);
      await Promise.all([page.waitForURL(/changed=1/), page.getByRole("button", { name: label.change }).click()]);
      await checkPage(`password-changed-${lang}`);

      await page.goto(`${origin}/freeze${q}`);
      await checkPage(`freeze-${lang}`);
      await page.getByLabel(label.password).fill("not the password");
      await page.getByRole("button", { name: label.freeze }).click();
      await page.locator("#error").waitFor();
      await checkPage(`freeze-error-${lang}`);
      await page.goto(`${origin}/${q}`);
      await Promise.all([page.waitForURL(/\/login\?loggedOut=1/), page.getByRole("button", { name: label.logout }).click()]);

      await page.goto(`${origin}/password/forgot${q}`);
      await checkPage(`password-forgot-${lang}`);
      await page.getByLabel(label.loginId).fill(customer.loginId);
      await fillBirthDate("1980", "1", "31");
      await Promise.all([page.waitForURL(`${origin}/password/forgot/code${q}`), page.getByRole("button", { name: label.next }).click()]);
      await checkPage(`password-forgot-code-${lang}`);
      await page.getByLabel(label.code, { exact: true }).fill(await t.codeFor(customer.email, 4));
      await page.getByLabel(label.newPassword, { exact: true }).fill("another new passphrase");
      await page.getByLabel(label.confirm, { exact: true }).fill("another new passphrase");
      await Promise.all([page.waitForURL(`${origin}/password/forgot/done${q}`), page.getByRole("button", { name: label.reset }).click()]);
      await checkPage(`password-forgot-done-${lang}`);

      await page.goto(`${origin}/login-id/forgot${q}`);
      await checkPage(`login-id-forgot-${lang}`);
      await page.getByLabel(label.email).fill(customer.email);
      await fillBirthDate("1980", "1", "31");
      await Promise.all([page.waitForURL(/sent=1/), page.getByRole("button", { name: label.next }).click()]);
      await checkPage(`login-id-forgot-sent-${lang}`);

      await page.goto(`${origin}/freeze/done${q}`);
      await checkPage(`freeze-done-${lang}`);
    });
  }

  for (const lang of ["ja", "en"] as const satisfies readonly Lang[]) {
    const q = lang === "en" ? "?lang=en" : "";
    const label = {
      ja: { loginId: "ログインID", password: "ログインパスワード", button: "ログイン", code: "認証コード", send: "認証コードを送信", current: "現在の取引暗証番号", newPin: "新しい取引暗証番号", confirmPin: "新しい取引暗証番号（確認のためもう一度入力）", change: "取引暗証番号を変更" },
      en: { loginId: "Login ID", password: "Password", button: "Log in", code: "Authentication code", send: "Send the code", current: "Current trading PIN", newPin: "New trading PIN", confirmPin: "New trading PIN (again, to confirm)", change: "Change trading PIN" },
    }[lang];

    it(`${lang}: 取引暗証番号の変更 (issue 13 §4): step 1, the code sent, a refused PIN, the change done, and a locked PIN`, async () => {
      const customer = await t.addCustomer({ loginId: `pin-pages-${lang}`, email: `pin-pages-${lang}@example.co.jp`, name: "山田 太郎" });
      await t.stores().tradingPins.set(customer.customer.id, await argon2Hash("2580"), t.clock.now());
      await page.goto(`${origin}/login${q}`);
      await page.getByLabel(label.loginId).fill(customer.loginId);
      await page.getByLabel(label.password).fill(customer.password);
      await Promise.all([page.waitForURL(`${origin}/login/mfa${q}`), page.getByRole("button", { name: label.button, exact: true }).click()]);
      await page.getByLabel(label.code, { exact: true }).fill(await t.codeFor(customer.email, 1));
      await Promise.all([page.waitForURL(`${origin}/${q}`), page.getByRole("button", { name: label.button, exact: true }).click()]);

      await Promise.all([page.waitForURL(`${origin}/trading-pin${q}`), page.locator("#link-trading-pin").click()]);
      await checkPage(`trading-pin-${lang}`);
      await page.getByRole("button", { name: label.send }).click();
      await page.locator("#masked-email").waitFor();
      await checkPage(`trading-pin-code-sent-${lang}`);
      const code = await t.codeFor(customer.email, 2);
      await page.getByLabel(label.current).fill("2580");
      await page.getByLabel(label.newPin, { exact: true }).fill("1234");
      await page.getByLabel(label.confirmPin, { exact: true }).fill("1234");
      await page.getByLabel(label.code, { exact: true }).fill(code);
      await page.getByRole("button", { name: label.change }).click();
      await page.locator("#error").waitFor();
      await checkPage(`trading-pin-error-${lang}`);
      await page.getByLabel(label.current).fill("２５８０");
      await page.getByLabel(label.newPin, { exact: true }).fill("741963");
      await page.getByLabel(label.confirmPin, { exact: true }).fill("741963");
      await page.getByLabel(label.code, { exact: true }).fill(code);
      await Promise.all([page.waitForURL(/changed=1/), page.getByRole("button", { name: label.change }).click()]);
      await checkPage(`trading-pin-changed-${lang}`);

      for (let i = 0; i < 5; i += 1) {
        await t.stores().tradingPins.recordFailure(customer.customer.id, 5, t.clock.now());
      }
      await page.goto(`${origin}/trading-pin${q}`);
      await page.locator("#trading-pin-locked").waitFor();
      await checkPage(`trading-pin-locked-${lang}`);
    });
  }

  it("looked at every page in both languages", () => {
    const pages = [
      ...["login", "help", "help-code-not-received", "error-404", "login-error", "login-mfa", "login-mfa-error", "my-page", "logged-out"],
      ...["my-page-notices-saved", "history", "sessions", "password", "password-code-sent", "password-error", "password-changed", "freeze", "freeze-error"],
      ...["password-forgot", "password-forgot-code", "password-forgot-done", "login-id-forgot", "login-id-forgot-sent", "freeze-done"],
      ...["trading-pin", "trading-pin-code-sent", "trading-pin-error", "trading-pin-changed", "trading-pin-locked"],
    ];
    assert.deepEqual([...checked].sort(), pages.flatMap((name) => [`${name}-ja`, `${name}-en`]).sort());
  });
});
