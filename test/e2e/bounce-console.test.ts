import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { browserSkipReason } from "../support/browser.ts";
import { useConsoleBrowser } from "../support/console-browser.ts";
import { sentMailTo } from "../support/bounces.ts";
import { createMailBounceStore } from "../../src/adapters/db/mail-bounces.ts";

const CONSOLE_LABELS = {
  ja: { loginId: "ログインID", password: "パスワード", totp: "確認コード（TOTP）", login: "ログイン" },
  en: { loginId: "Login ID", password: "Password", totp: "Verification code (TOTP)", login: "Log in" },
} as const;

/**
 * Issue 22 §1 in the console, in Chromium: two code mails bounced hard (marked as the bounce listener
 * marks them; the SMTP side is test/http/bounces.*.test.ts), then the search results and the customer
 * page say 不達 and list 返送 with the reason; at 390 and 1280 px, Japanese and English, axe-core clean.
 */
describe("the console after two bounces", { skip: browserSkipReason() ?? false, timeout: 300_000 }, () => {
  const c = useConsoleBrowser(CONSOLE_LABELS, { clearCookiesBeforeLogin: true });

  for (const lang of ["ja", "en"] as const) {
    it(`${lang}: 不達 in the search results and on the customer page, 返送 in the code-mail list`, async () => {
      const { t, page, origin } = c;
      const q = lang === "en" ? "?lang=en" : "";
      const customer = await t.addCustomer({ loginId: `e2e-bounce-${lang}` });
      const store = createMailBounceStore(t.service.database.db);
      for (const n of [1, 2]) {
        t.clock.advance(60_000);
        await t.client().post("/login", { form: { loginId: customer.loginId, password: customer.password } });
        const { mailId } = await sentMailTo(t, customer.email, n);
        await store.mark(mailId, { state: "bounced", reason: n === 1 ? "mailbox_full" : "no_such_user" }, { status: n === 1 ? "5.2.2" : "5.1.1", diagnostic: null, at: t.clock.now() });
      }
      await c.consoleLogin(lang, await t.addOperator());
      await page.goto(`${origin}/console${q}${q === "" ? "?" : "&"}q=${customer.loginId}`);
      const flag = lang === "ja" ? "不達（2回続けて返送）" : "Undeliverable (bounced twice in a row)";
      assert.ok((await page.locator("main").innerText()).includes(flag));
      await c.look(`console-bounce-search-${lang}`);
      await page.goto(`${origin}/console/customers/${customer.loginId}${q}`);
      assert.ok((await page.locator("#status-email").innerText()).includes(flag));
      const main = await page.locator("main").innerText();
      assert.ok(main.includes(lang === "ja" ? "返送（メールボックスの容量が一杯）" : "Bounced (mailbox full)"), main);
      assert.ok(main.includes(lang === "ja" ? "返送（宛先のメールアドレスが存在しない）" : "Bounced (no such address)"));
      await c.look(`console-bounce-customer-${lang}`);
    });
  }
});
