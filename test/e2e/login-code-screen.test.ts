import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { browserSkipReason, launchBrowser } from "../support/browser.ts";
import type { TestBrowser } from "../support/browser.ts";
import { checkPageAtBothWidths, freePort } from "../support/page-checks.ts";
import { sharedTestService } from "../support/test-service.ts";
import type { TestCustomer } from "../support/test-service.ts";

type Lang = "ja" | "en";

const LABEL = {
  ja: { loginId: "ログインID", password: "ログインパスワード", login: "ログイン", code: "認証コード", restart: "もう一度ログインする", resend: "認証コードを再送信" },
  en: { loginId: "Login ID", password: "Password", login: "Log in", code: "Authentication code", restart: "Log in again", resend: "Send a new code" },
} as const;

/**
 * Issue 21, items 1, 2 and 8 as the customer sees them in Chromium, in Japanese and English, each
 * screen at 390 and 1280 px (screenshots in test-output/screenshots/, axe-core, 44 px targets):
 * a login on the PC, then on the phone (two browsers); the PC's code screen says why its code no
 * longer works and 「もう一度ログインする」 brings back the login form with the ID filled in; there,
 * 「認証コードを再送信」 says where and when the new code went; and the server opened as 127.0.0.1
 * names the address to use.
 */
describe("the code screen in the browser: two devices, a resend, another host name", { skip: browserSkipReason() ?? false, timeout: 600_000 }, () => {
  let port = 0;
  let origin = "";
  let pc: TestBrowser;
  let phone: TestBrowser;
  const cspErrors: string[] = [];

  before(async () => {
    port = await freePort();
    // `localhost`: Chromium keeps `__Host-` cookies on plain http only there.
    origin = `http://localhost:${port}`;
  });
  after(async () => {
    await pc?.close();
    await phone?.close();
  });
  const t = sharedTestService(() => ({ env: { PUBLIC_URL: origin } }));
  before(async () => {
    await t.service.app.listen({ host: "127.0.0.1", port });
    pc = await launchBrowser();
    phone = await launchBrowser();
    await phone.page.setViewportSize({ width: 390, height: 844 });
    for (const page of [pc.page, phone.page]) {
      page.setDefaultTimeout(15_000);
      page.on("console", (message) => {
        if (message.type() === "error" && /Content Security Policy/i.test(message.text())) {
          cspErrors.push(message.text());
        }
      });
    }
  });

  async function look(page: Page, name: string): Promise<void> {
    await checkPageAtBothWidths(page, name);
    assert.deepEqual(cspErrors.splice(0), [], `${name}: CSP refusals`);
  }

  /** ID and password on `page`; waits for the code screen and for the code mail (the n-th to the customer). */
  async function passwordStep(page: Page, lang: Lang, customer: TestCustomer, n: number, options: { idFilled?: boolean } = {}): Promise<string> {
    const q = lang === "en" ? "?lang=en" : "";
    if (options.idFilled !== true) {
      await page.goto(`${origin}/login${q}`);
      await page.getByLabel(LABEL[lang].loginId).fill(customer.loginId);
    }
    await page.getByLabel(LABEL[lang].password).fill(customer.password);
    await Promise.all([page.waitForURL(`${origin}/login/mfa${q}`), page.getByRole("button", { name: LABEL[lang].login, exact: true }).click()]);
    // Each mail awaited before the next is sent: the n-th caught is the n-th sent.
    return t.codeFor(customer.email, n);
  }

  for (const lang of ["ja", "en"] as const) {
    const q = lang === "en" ? "?lang=en" : "";
    const label = LABEL[lang];

    it(`${lang}: PC, then phone; the PC's code screen offers 「${label.restart}」, which fills in the login ID`, async () => {
      const customer = await t.addCustomer({ loginId: `taro-${lang}`, email: `taro.${lang}@example.co.jp` });
      const pcCode = await passwordStep(pc.page, lang, customer, 1);
      await t.drainOutbox();
      t.clock.advance(60_000);
      await passwordStep(phone.page, lang, customer, 2);

      // The PC's stale screen still has its field: the code typed there is refused, with the way on.
      await pc.page.getByLabel(label.code, { exact: true }).fill(pcCode);
      await pc.page.getByRole("button", { name: label.login, exact: true }).click();
      await pc.page.locator("#error").waitFor();
      assert.match(await pc.page.locator("#error").innerText(), /\[5121\]/);
      assert.equal(await pc.page.locator("#code").count(), 0, "no field for a code this browser cannot use");
      assert.equal(await pc.page.getByRole("link", { name: label.restart }).isVisible(), true);
      await look(pc.page, `code-screen-superseded-typed-${lang}`);

      // Reloaded: why, and the one way on.
      await pc.page.goto(`${origin}/login/mfa${q}`);
      assert.equal(await pc.page.locator("#code").count(), 0);
      assert.match(await pc.page.locator("#code-ended").innerText(), lang === "ja" ? /新しい認証コードが送信されたため/ : /A new code has been sent/);
      await look(pc.page, `code-screen-superseded-${lang}`);

      await Promise.all([pc.page.waitForURL(/\/login\?(lang=en&)?again=1$/), pc.page.getByRole("link", { name: label.restart }).click()]);
      assert.equal(await pc.page.getByLabel(label.loginId).inputValue(), customer.loginId);
      // autofocus is applied at the browser's next rendering step, after the navigation has ended: wait for it.
      await pc.page.waitForFunction(() => document.activeElement?.id === "password", undefined, { timeout: 5000 }).catch(() => undefined);
      assert.equal(await pc.page.evaluate(() => document.activeElement?.id), "password", "the password field has focus");
      assert.doesNotMatch(pc.page.url(), new RegExp(customer.loginId), "the login ID is not in the URL");
      await look(pc.page, `login-again-${lang}`);

      // One password later, a code on the PC again.
      await t.drainOutbox();
      t.clock.advance(60_000);
      await passwordStep(pc.page, lang, customer, 3, { idFilled: true });
      assert.equal(await pc.page.getByLabel(label.code, { exact: true }).isVisible(), true);
    });

    it(`${lang}: 「${label.resend}」 says where and when the new code went, and the new code logs in`, async () => {
      const customer = await t.addCustomer({ loginId: `hanako-${lang}`, email: `hanako.${lang}@example.co.jp` });
      await passwordStep(pc.page, lang, customer, 1);
      await t.drainOutbox();
      t.clock.advance(120_000);
      await Promise.all([pc.page.waitForURL(/resent=1$/), pc.page.getByRole("button", { name: label.resend }).click()]);
      const fresh = await t.codeFor(customer.email, 2);
      const notice = await pc.page.locator("#code-resent").innerText();
      assert.ok(notice.includes("h***@example.co.jp"), notice);
      assert.ok(notice.includes(await pc.page.locator("#sent-at").innerText()), notice);
      await look(pc.page, `code-screen-resent-${lang}`);
      await pc.page.getByLabel(label.code, { exact: true }).fill(fresh);
      await Promise.all([pc.page.waitForURL(`${origin}/${q}`), pc.page.getByRole("button", { name: label.login, exact: true }).click()]);
      await pc.context.clearCookies();
    });

    it(`${lang}: opened as 127.0.0.1, a page names PUBLIC_URL's address and links to it`, async () => {
      const response = await pc.page.goto(`http://127.0.0.1:${port}/login${q}`);
      assert.equal(response?.status(), 421);
      const link = pc.page.locator("#public-url");
      assert.equal(await link.getAttribute("href"), `${origin}/login${q}`);
      assert.equal(await pc.page.locator("form").count(), 0, "no form that would only be refused");
      await look(pc.page, `other-host-${lang}`);
      await Promise.all([pc.page.waitForURL(`${origin}/login${q}`), link.click()]);
      assert.equal(await pc.page.getByLabel(label.loginId).isVisible(), true);
    });
  }
});
