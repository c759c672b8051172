import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { browserSkipReason, launchBrowser } from "../support/browser.ts";
import type { TestBrowser } from "../support/browser.ts";
import { checkPageAtBothWidths, freePort } from "../support/page-checks.ts";
import { sharedTestService } from "../support/test-service.ts";
import { dsnMessage } from "../support/raw-smtp.ts";
import { sendToListener, sentMailTo } from "../support/bounces.ts";

const LABEL = {
  ja: { loginId: "ログインID", password: "ログインパスワード", login: "ログイン" },
  en: { loginId: "Login ID", password: "Password", login: "Log in" },
} as const;

/**
 * Issue 22 §1 in Chromium: a customer logs in, the code mail bounces (a DSN over real SMTP to
 * BOUNCE_LISTEN), and the code screen, reloaded, says so; Japanese and English, at 390 and 1280 px
 * (screenshots in test-output/screenshots/, axe-core, 44 px targets, nothing wider than the screen).
 */
describe("the code screen in the browser after a bounce", { skip: browserSkipReason() ?? false, timeout: 300_000 }, () => {
  let port = 0;
  let origin = "";
  let browser: TestBrowser;
  before(async () => {
    port = await freePort();
    origin = `http://localhost:${port}`;
  });
  after(async () => {
    await browser?.close();
  });
  const t = sharedTestService(() => ({ env: { PUBLIC_URL: origin, BOUNCE_LISTEN: "127.0.0.1:0" } }));
  before(async () => {
    await t.service.app.listen({ host: "127.0.0.1", port });
    browser = await launchBrowser();
    browser.page.setDefaultTimeout(15_000);
  });

  for (const [lang, status, name, text] of [
    ["ja", "5.2.2", "mailbox-full", "前回お送りしたメールは、お客さまのメールサーバーから返送されました（メールボックスの容量が一杯です）。"],
    ["en", "5.2.2", "mailbox-full", "The last mail we sent came back from your mail server (your mailbox is full)."],
    ["ja", "5.1.1", "no-such-user", "（このメールアドレスは受信側で見つかりませんでした）"],
    ["en", "4.4.1", "delayed", "The last mail we sent is delayed at your mail server."],
  ] as const) {
    it(`${lang}: ${status} comes back; the code screen says so on its next load`, async () => {
      const customer = await t.addCustomer({ loginId: `bounce-${lang}-${name}`, email: `bounce.${lang}.${name}@example.co.jp` });
      const page = browser.page;
      const q = lang === "en" ? "?lang=en" : "";
      await page.context().clearCookies();
      await page.goto(`${origin}/login${q}`);
      await page.getByLabel(LABEL[lang].loginId).fill(customer.loginId);
      await page.getByLabel(LABEL[lang].password).fill(customer.password);
      await Promise.all([page.waitForURL(`${origin}/login/mfa${q}`), page.getByRole("button", { name: LABEL[lang].login, exact: true }).click()]);
      assert.equal(await page.locator("#last-delivery").count(), 0);
      const { returnPath } = await sentMailTo(t, customer.email);
      await sendToListener(t, returnPath, dsnMessage({ returnPath, status }));
      await page.reload();
      const notice = page.locator("#last-delivery");
      assert.ok((await notice.innerText()).includes(text), await notice.innerText());
      await checkPageAtBothWidths(page, `bounce-notice-${name}-${lang}`);
    });
  }
});
