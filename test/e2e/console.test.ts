import { before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { browserSkipReason } from "../support/browser.ts";
import type { TestBrowser } from "../support/browser.ts";
import { useConsoleBrowser } from "../support/console-browser.ts";
import type { TestCustomer } from "../support/test-service.ts";
import { pageLogin } from "../support/page-login.ts";
import { buildNotice } from "../../src/core/mail/notice-kinds.ts";

type Lang = "ja" | "en";

const LABEL = {
  ja: {
    loginId: "ログインID",
    password: "パスワード",
    totp: "確認コード（TOTP）",
    login: "ログイン",
    logout: "ログアウト",
    search: "ログインID・お名前（カナ／漢字）・メールアドレス",
    searchButton: "検索",
    reason: "理由（必須）",
    unlock: "ロックを解除する",
    identityChecked: "本人確認を行いました",
    unfreeze: "凍結を解除する",
    frozen: "凍結中",
    requestMfaOff: "解除を申請する",
    approve: "承認する",
    decisionReason: "判断の理由（必須）",
    customerFilter: "お客さまのログインID",
    filter: "絞り込む",
    customerLoginId: "ログインID",
    customerPassword: "ログインパスワード",
    mfaOff: "解除中",
    mfaOn: "利用中",
    locked: "ロック中",
    sent: "送信済み",
    handedOver: "に送信サーバーへ引き渡し",
  },
  en: {
    loginId: "Login ID",
    password: "Password",
    totp: "Verification code (TOTP)",
    login: "Log in",
    logout: "Log out",
    search: "Login ID, name (kana or kanji) or mail address",
    searchButton: "Search",
    reason: "Reason (required)",
    unlock: "Unlock the account",
    identityChecked: "I have checked the customer's identity",
    unfreeze: "Lift the freeze",
    frozen: "Frozen",
    requestMfaOff: "Request MFA off",
    approve: "Approve",
    decisionReason: "Reason for the decision (required)",
    customerFilter: "Customer login ID",
    filter: "Filter",
    customerLoginId: "Login ID",
    customerPassword: "Password",
    mfaOff: "Off",
    mfaOn: "On",
    locked: "Locked",
    sent: "Sent",
    handedOver: "Handed to the relay at",
  },
} as const;

/**
 * The call center's console in Chromium (issue 12, "How it is verified"): an agent logs in
 * (password + TOTP), finds a customer by kana, unlocks them and requests MFA off with a
 * reason; the agent sees no approve button and is refused ([4031]) when posting one anyway;
 * a supervisor approves; the customer then logs in with the password alone and sees the
 * MFA-off warning on マイページ; the notices arrived over SMTP. Every console page is looked
 * at in Japanese and English at 390 and 1280 px: a screenshot, axe-core with no violation,
 * no sideways overflow, 44 px targets, no monospace text, nothing the CSP refused.
 */
describe("the call center console in a browser", { skip: browserSkipReason() ?? false, timeout: 900_000 }, () => {
  const ui = useConsoleBrowser(LABEL);
  const { t, consoleLogin } = ui;
  // Set once useConsoleBrowser's before hooks have opened the page (this hook runs after them).
  let origin = "";
  let page: Page;
  let browser: TestBrowser;
  before(() => {
    origin = ui.origin;
    page = ui.page;
    browser = ui.browser;
  });
  const checked: string[] = [];

  async function look(name: string): Promise<void> {
    await ui.look(name);
    checked.push(name);
  }

  async function consoleLogout(lang: Lang): Promise<void> {
    await Promise.all([page.waitForURL(/\/console\/login\?loggedOut=1/), page.getByRole("button", { name: LABEL[lang].logout }).click()]);
  }

  for (const lang of ["ja", "en"] as const satisfies readonly Lang[]) {
    const q = lang === "en" ? "?lang=en" : "";
    const label = LABEL[lang];

    it(`${lang}: an agent finds a customer by kana, unlocks them and requests MFA off; a supervisor approves; the customer logs in without a code`, async () => {
      const customer: TestCustomer = await t.addCustomer({ loginId: `sakura-${lang}`, email: `sakura-${lang}@example.co.jp`, name: `高橋 さくら${lang === "ja" ? "" : "子"}`, birthDate: "1985-04-12" });
      // A login of the customer's own: a code mail delivered, a line of ログイン履歴, a live session.
      const customerBrowser = await pageLogin(t, customer);
      if (lang === "ja") {
        // Seed Q9: this customer saw a login that was not theirs and froze the account (every session ends).
        assert.equal((await customerBrowser.post("/freeze", { form: { password: customer.password } })).statusCode, 303);
      }
      await t.drainOutbox();
      // The customer calls a few minutes later; each step below takes a minute or so, as on a real call.
      t.clock.advance(4 * 60_000);
      const agent = await t.addOperator({ role: "agent", name: "佐藤 花子" });
      const supervisor = await t.addOperator({ role: "supervisor", name: "鈴木 一郎" });
      await browser.context.clearCookies();

      // Without a console session every console page sends the operator to the console's login.
      await page.goto(`${origin}/console/mfa-off-requests${q}`);
      assert.equal(page.url(), `${origin}/console/login${q}`);
      await look(`console-login-${lang}`);

      await page.getByLabel(label.loginId).fill(agent.loginId);
      await page.getByLabel(label.password, { exact: true }).fill(agent.password);
      await page.getByLabel(label.totp).fill("000000");
      await page.getByRole("button", { name: label.login, exact: true }).click();
      await page.locator("#error").waitFor();
      assert.match(await page.locator("#error").innerText(), /\[5101\]/);
      await look(`console-login-error-${lang}`);

      await consoleLogin(lang, agent);
      assert.match(await page.locator("#operator-name").innerText(), /佐藤 花子/);
      await look(`console-search-${lang}`);

      // Kana finds the customer whose name is written in hiragana; the list shows the address masked.
      await page.getByLabel(label.search).fill("サクラ");
      await Promise.all([page.waitForURL(/q=/), page.getByRole("button", { name: label.searchButton, exact: true }).click()]);
      const row = page.locator("#search-results tbody tr", { hasText: customer.loginId });
      assert.equal(await row.count(), 1);
      const rowText = await row.innerText();
      assert.ok(!rowText.includes(customer.email), "the full address is not listed");
      assert.match(rowText, /s\*+@example\.co\.jp/);
      assert.match(rowText, new RegExp(label.mfaOn));
      await look(`console-search-results-${lang}`);

      // A locked customer: the page says so in words and offers the unlock form.
      await t.service.database.db.updateTable("customers").set({ locked_at: t.clock.now(), failed_count: 5 }).where("id", "=", customer.customer.id).execute();
      await Promise.all([page.waitForURL(new RegExp(`/console/customers/${customer.loginId}`)), row.getByRole("link", { name: customer.loginId }).click()]);
      assert.match(await page.locator("#status-lock").innerText(), new RegExp(label.locked));
      const mailState = await page.locator("#code-mail-list > li").first().innerText();
      assert.match(mailState, new RegExp(label.sent));
      assert.match(mailState, new RegExp(label.handedOver));
      if (lang === "ja") {
        assert.match(await page.locator("#status-freeze").innerText(), new RegExp(label.frozen));
        assert.ok(await page.locator("#sessions-none").isVisible());
      } else {
        assert.match(await page.locator("#sessions-table").innerText(), /203\.0\.113\.10/);
      }
      await look(`console-customer-${lang}`);

      t.clock.advance(60_000);
      await page.locator("#action-unlock").getByLabel(label.reason).fill(lang === "ja" ? "お客さまからの電話で本人確認のうえ解除" : "Customer called; identity checked");
      await Promise.all([page.waitForURL(/done=unlock/), page.getByRole("button", { name: label.unlock }).click()]);
      await page.locator("#done").waitFor();
      assert.ok((await t.mailTo(customer.email, 1, buildNotice("account-unlocked", t.config.brand, { at: 0 }).subject)).text.length > 0);
      if (lang === "ja") {
        // Lifting the freeze needs the identity check ticked, and a reason.
        const unfreeze = page.locator("#action-unfreeze");
        await unfreeze.getByLabel(label.identityChecked).check();
        await unfreeze.getByLabel(label.reason).fill("ご本人からの電話。生年月日と登録住所で本人確認済み");
        await Promise.all([page.waitForURL(/done=unfreeze/), unfreeze.getByRole("button", { name: label.unfreeze }).click()]);
        assert.ok((await t.mailTo(customer.email, 1, buildNotice("account-unfrozen", t.config.brand, { at: 0 }).subject)).text.length > 0);
        assert.doesNotMatch(await page.locator("#status-freeze").innerText(), new RegExp(label.frozen));
      }
      await look(`console-customer-done-${lang}`);

      // A reason of spaces only is refused in the form's own card, with what was typed kept.
      const mfaOffCard = page.locator("#action-mfa-off");
      await mfaOffCard.getByLabel(label.reason).fill("   ");
      await mfaOffCard.getByRole("button", { name: label.requestMfaOff }).click();
      await mfaOffCard.locator("#error").waitFor();
      assert.match(await mfaOffCard.locator("#error").innerText(), lang === "ja" ? /\[4000\][^]*理由を入力してください/ : /\[4000\][^]*Write a reason/);
      t.clock.advance(60_000);
      await look(`console-customer-error-${lang}`);

      await mfaOffCard.getByLabel(label.reason).fill(lang === "ja" ? "メールを受け取れない環境のため解除をご希望（本人確認済み）" : "Customer cannot receive mail; identity checked");
      await Promise.all([page.waitForURL(/done=mfa-off-requested/), mfaOffCard.getByRole("button", { name: label.requestMfaOff }).click()]);
      assert.ok(await page.locator("#status-pending").isVisible());
      assert.ok((await t.mailTo(customer.email, 1, buildNotice("security-request-received", t.config.brand, { request: "mfa_off", at: 0, delayHours: 0 }).subject)).text.length > 0);

      // The agent sees the request but no approve button; a hand-made approval is refused by the server.
      await page.goto(`${origin}/console/mfa-off-requests${q}`);
      const request = page.locator("#requests > li", { hasText: customer.loginId });
      assert.equal(await request.count(), 1);
      assert.equal(await page.getByRole("button", { name: label.approve }).count(), 0);
      await look(`console-requests-agent-${lang}`);
      const requestId = (await request.getAttribute("id"))?.replace(/^request-/, "") ?? "";
      await page.evaluate((action) => {
        const token = document.querySelector<HTMLInputElement>('input[name="_csrf"]')?.value ?? "";
        const form = document.createElement("form");
        form.method = "post";
        form.action = action;
        for (const [name, value] of [["_csrf", token], ["reason", "approving my own way"]] as const) {
          const input = document.createElement("input");
          input.type = "hidden";
          input.name = name;
          input.value = value;
          form.append(input);
        }
        document.body.append(form);
        form.submit();
      }, `/console/mfa-off-requests/${requestId}/approve${q}`);
      await page.locator("#error").waitFor();
      assert.match(await page.locator("#error").innerText(), /\[4031\]/);
      await look(`console-requests-refused-${lang}`);

      await consoleLogout(lang);
      await page.locator("#logged-out").waitFor();
      await look(`console-logged-out-${lang}`);

      // A supervisor other than the requester approves, a few minutes later.
      t.clock.advance(5 * 60_000);
      await consoleLogin(lang, supervisor);
      await page.goto(`${origin}/console/mfa-off-requests${q}`);
      const pending = page.locator(`#request-${requestId}`);
      await look(`console-requests-supervisor-${lang}`);
      await pending.getByLabel(label.decisionReason).fill(lang === "ja" ? "申請内容と本人確認の記録を確認しました" : "Checked the request and the identity check");
      await Promise.all([page.waitForURL(/done=approved/), pending.getByRole("button", { name: label.approve }).click()]);
      await page.locator("#done").waitFor();
      await look(`console-requests-approved-${lang}`);
      assert.ok((await t.mailTo(customer.email, 1, buildNotice("mfa-off", t.config.brand, { at: 0 }).subject)).text.length > 0);

      // The audit log: the customer's events, newest first, and the same rows as CSV.
      await page.goto(`${origin}/console/audit${q}`);
      await look(`console-audit-${lang}`);
      await page.getByLabel(label.customerFilter).fill(customer.loginId);
      await Promise.all([page.waitForURL(/customer=/), page.getByRole("button", { name: label.filter }).click()]);
      const auditText = await page.locator(".audit-table").innerText();
      for (const event of ["security_request.approved", "security_request.requested", "security_request.effective", "account.unlocked"]) {
        assert.ok(auditText.includes(event), `${event} in the audit log`);
      }
      await look(`console-audit-filtered-${lang}`);
      const csvHref = await page.locator("#csv-export").getAttribute("href");
      const csv = await page.request.get(`${origin}${csvHref ?? ""}`);
      assert.equal(csv.status(), 200);
      assert.match(csv.headers()["content-type"] ?? "", /^text\/csv/);
      const csvText = (await csv.body()).toString("utf8");
      assert.ok(csvText.startsWith("\uFEFF"), "CSV with a BOM for Excel");
      assert.ok(csvText.includes("security_request.approved") && csvText.includes(customer.loginId));

      // The customer page after the approval; an unknown customer is the console's own [4040] page.
      await page.goto(`${origin}/console/customers/${customer.loginId}${q}`);
      assert.match(await page.locator("#status-mfa").innerText(), new RegExp(label.mfaOff));
      const missing = await page.goto(`${origin}/console/customers/no-such-customer${q}`);
      assert.equal(missing?.status(), 404);
      assert.match(await page.locator("#error").innerText(), /\[4040\]/);
      await look(`console-error-404-${lang}`);
      await consoleLogout(lang);

      // The customer logs in with the password alone and is warned on マイページ.
      await page.goto(`${origin}/login${q}`);
      await page.getByLabel(label.customerLoginId).fill(customer.loginId);
      await page.getByLabel(label.customerPassword).fill(customer.password);
      await Promise.all([page.waitForURL(`${origin}/${q}`), page.getByRole("button", { name: label.login, exact: true }).click()]);
      assert.ok(await page.locator("#mfa-banner").isVisible());
      await Promise.all([page.waitForURL(/\/login\?loggedOut=1/), page.getByRole("button", { name: label.logout }).click()]);
    });
  }

  it("looked at every console page in both languages", () => {
    const pages = [
      ...["console-login", "console-login-error", "console-search", "console-search-results", "console-customer", "console-customer-done", "console-customer-error"],
      ...["console-requests-agent", "console-requests-refused", "console-logged-out", "console-requests-supervisor", "console-requests-approved"],
      ...["console-audit", "console-audit-filtered", "console-error-404"],
    ];
    assert.deepEqual([...checked].sort(), pages.flatMap((name) => [`${name}-ja`, `${name}-en`]).sort());
  });
});
