import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { useConsoleBrowser } from "../support/console-browser.ts";
import type { AuditEvent } from "../../src/core/kernel/ports-audit.ts";

const LABEL = {
  ja: { loginId: "ログインID", password: "パスワード", totp: "確認コード（TOTP）", login: "ログイン", nav: "ダッシュボード", table: "5分ごとの件数を表で見る（新しい順）" },
  en: { loginId: "Login ID", password: "Password", totp: "Verification code (TOTP)", login: "Log in", nav: "Dashboard", table: "Counts per 5 minutes as a table (newest first)" },
} as const;

describe("the operations dashboard in Chromium (issue 22 §2): charts from our own origin, tables, 390 and 1280 px, axe-core", () => {
  const ui = useConsoleBrowser(LABEL, { clearCookiesBeforeLogin: true });

  it("shows a day of logins and an attack as charts and tables, in Japanese and English", async () => {
    const { t, page, origin } = ui;
    // A chart that failed to draw leaves an empty box: any script error fails the test.
    const scriptErrors: string[] = [];
    page.on("pageerror", (error) => scriptErrors.push(error.message));
    const victims = [await t.addCustomer({ loginId: "dashvictim1" }), await t.addCustomer({ loginId: "dashvictim2" })];
    const record = (event: AuditEvent["event"], ip: string, customerId: string | null = null) =>
      t.stores().audit.record({ event, outcome: "info", customerId, actor: "customer", ip, userAgent: "e2e", requestId: "e2e", detail: {} });
    // Six hours of ordinary traffic, then an hour of attack from a few networks.
    for (let step = 0; step < 72; step += 1) {
      t.clock.advance(5 * 60_000);
      for (let n = 0; n < 3 + (step % 7); n += 1) {
        await record("session.created", "192.0.2.20");
      }
      await record("password.failed", "192.0.2.21");
      if (step > 60) {
        for (let n = 0; n < 4 * (step - 60); n += 1) {
          await record("password.failed", n % 3 === 0 ? `2001:db8:beef:${n}::1` : `203.0.113.${n % 250}`);
        }
        await record("code.failed", "198.51.100.4");
        await record("rate_limited", "203.0.113.9");
      }
    }
    for (const victim of victims) {
      await record("account.locked", "203.0.113.9", victim.customer.id);
    }

    for (const lang of ["ja", "en"] as const) {
      const agent = await t.addOperator({ role: "agent", name: lang === "ja" ? "佐藤 花子" : "Hanako Sato" });
      await ui.consoleLogin(lang, agent);
      await page.getByRole("link", { name: LABEL[lang].nav }).click();
      await page.waitForURL(`${origin}/console/dashboard${lang === "en" ? "?lang=en" : ""}`);
      // uPlot drew every chart (the script ran under script-src 'self').
      await page.locator(".chart canvas").nth(2).waitFor();
      assert.equal(await page.locator(".chart canvas").count(), 3);
      assert.deepEqual(scriptErrors, []);
      // Drawn across the box, not squeezed.
      const canvasWidth = await page.locator("#chart-logins-plot canvas").evaluate((canvas) => canvas.getBoundingClientRect().width);
      assert.ok(canvasWidth > 600, `chart width ${canvasWidth}`);
      assert.equal(await page.locator("#networks-table tbody tr").count(), 4);
      assert.equal(await page.locator("#locked-table a").count(), 2);
      await ui.look(`console-dashboard-${lang}`);
      // One table opened: the same figures as the chart above it.
      await page.getByText(LABEL[lang].table).first().click();
      assert.equal(await page.locator("#chart-logins-table tbody tr").count(), 288);
      await ui.look(`console-dashboard-table-${lang}`);
      assert.deepEqual(scriptErrors, [], "no script error after the resizes");
      // A locked account's link leads to the customer page.
      await page.locator("#locked-table a").first().click();
      await page.waitForURL(/\/console\/customers\/dashvictim/);
    }
  });
});
