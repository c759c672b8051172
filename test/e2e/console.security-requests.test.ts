import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { browserSkipReason } from "../support/browser.ts";
import { useConsoleBrowser } from "../support/console-browser.ts";
import { buildNotice } from "../../src/core/mail/notice-kinds.ts";

type Lang = "ja" | "en";

const LABEL = {
  ja: {
    loginId: "ログインID",
    password: "パスワード",
    totp: "確認コード（TOTP）",
    login: "ログイン",
    logout: "ログアウト",
    reason: "理由（必須）",
    newEmail: "新しいメールアドレス",
    emailCode: "確認コード（6桁）",
    sendCode: "確認コードを送る",
    requestEmail: "重要メールの変更を申請する",
    birthDateInput: "お客さまがおっしゃった生年月日（例: 1965-04-01）",
    check: "照合する",
    approve: "承認する",
    operatorLoginId: "オペレーターのログインID（必須）",
    unlockOperator: "ロックを解除する",
    match: /一致/,
    mismatch: /不一致/,
  },
  en: {
    loginId: "Login ID",
    password: "Password",
    totp: "Verification code (TOTP)",
    login: "Log in",
    logout: "Log out",
    reason: "Reason (required)",
    newEmail: "New mail address",
    emailCode: "Code (6 digits)",
    sendCode: "Send the code",
    requestEmail: "Request the change of the important mail",
    birthDateInput: "Date of birth as the caller says it (e.g. 1965-04-01)",
    check: "Check",
    approve: "Approve",
    operatorLoginId: "The operator's login ID (required)",
    unlockOperator: "Unlock",
    match: /\bmatch/i,
    mismatch: /no match/i,
  },
} as const;

/**
 * The pages issue 17 added to the console, in a browser as an agent and a supervisor use them:
 * 生年月日の確認 answers 一致 / 不一致 and never shows the date; a new 重要メール is verified by the
 * code the caller reads back, then requested; the security-requests page lists it and a second
 * supervisor approves; the operators page lifts an agent's lock. Each page is looked at in
 * Japanese and English at 390 and 1280 px (screenshot, axe-core, overflow, 44 px targets).
 */
describe("the console's security requests in a browser", { skip: browserSkipReason() ?? false, timeout: 600_000 }, () => {
  const ui = useConsoleBrowser(LABEL, { clearCookiesBeforeLogin: true });
  const { t, look, consoleLogin } = ui;
  // Set once useConsoleBrowser's before hooks have opened the page (this hook runs after them).
  let origin = "";
  let page: Page;
  before(() => {
    origin = ui.origin;
    page = ui.page;
  });

  for (const lang of ["ja", "en"] as const satisfies readonly Lang[]) {
    const q = lang === "en" ? "?lang=en" : "";
    const label = LABEL[lang];

    it(`${lang}: an agent checks a date of birth and requests a verified new 重要メール; another supervisor approves it; a supervisor unlocks an agent`, async () => {
      const customer = await t.addCustomer({ loginId: `hanako-${lang}`, email: `hanako-${lang}@example.co.jp`, name: "山田 花子", birthDate: "1979-11-03" });
      const agent = await t.addOperator({ role: "agent", name: "佐藤 花子" });
      const supervisor = await t.addOperator({ role: "supervisor", name: "鈴木 一郎" });
      const lockedAgent = await t.addOperator({ role: "agent", name: "田中 次郎" });

      await consoleLogin(lang, agent);
      await page.goto(`${origin}/console/customers/${customer.loginId}${q}`);
      // The date of birth is never on the page, only whether one is on record.
      assert.doesNotMatch(await page.locator("main").innerText(), /1979/);

      const check = page.locator("#action-birth-date-check");
      await check.getByLabel(label.birthDateInput).fill("1979-11-04");
      await Promise.all([page.waitForURL(/done=birth-date-mismatch/), check.getByRole("button", { name: label.check }).click()]);
      assert.match(await page.locator("#done").innerText(), label.mismatch);
      await look(`console-birth-date-mismatch-${lang}`);
      await page.locator("#action-birth-date-check").getByLabel(label.birthDateInput).fill("1979-11-03");
      await Promise.all([page.waitForURL(/done=birth-date-match/), page.locator("#action-birth-date-check").getByRole("button", { name: label.check }).click()]);
      const matched = await page.locator("#done").innerText();
      assert.match(matched, label.match);
      assert.doesNotMatch(matched, label.mismatch);

      // Step 1: a code to the new address; step 2: the code the caller reads back, and a reason.
      const newEmail = `hanako-new-${lang}@example.co.jp`;
      const emailCard = page.locator("#action-email");
      await emailCard.locator("#newEmail").fill(newEmail);
      await Promise.all([page.waitForURL(/email-verification/), emailCard.getByRole("button", { name: label.sendCode }).click()]);
      const codeMail = await t.mailTo(newEmail, 1, buildNotice("email-verification-code", t.config.brand, { code: "", sentAt: 0, expiresAt: 0 }).subject);
      const code = /\b(\d{6})\b/.exec(codeMail.text)?.[1] ?? "";
      assert.match(code, /^\d{6}$/);
      await look(`console-email-code-sent-${lang}`);
      const requestForm = page.locator("#action-email");
      await requestForm.locator("#requestEmail").fill(newEmail);
      await requestForm.locator("#emailCode").fill(code);
      await requestForm.getByLabel(label.reason).fill(lang === "ja" ? "旧アドレスの解約のため。生年月日で本人確認済み" : "Old address closed; identity checked by date of birth");
      await Promise.all([page.waitForURL(/done=email-change-requested/), requestForm.getByRole("button", { name: label.requestEmail }).click()]);
      assert.ok(await page.locator("#open-requests").isVisible(), "the pending request is shown on the customer page");
      // The current address is told what was asked and how to stop it.
      assert.ok((await t.mailTo(customer.email, 1, buildNotice("security-request-received", t.config.brand, { request: "email_change", at: 0, delayHours: 0 }).subject)).text.length > 0);
      await look(`console-customer-request-open-${lang}`);

      // A supervisor other than the requester approves on the security-requests page.
      t.clock.advance(3 * 60_000);
      await consoleLogin(lang, supervisor);
      await page.goto(`${origin}/console/security-requests${q}`);
      const item = page.locator("#requests > li", { hasText: customer.loginId });
      assert.equal(await item.count(), 1);
      await look(`console-security-requests-${lang}`);
      await item.locator("textarea").fill(lang === "ja" ? "申請内容と確認コードの記録を確認しました" : "Checked the request and the verified code");
      await Promise.all([page.waitForURL(/done=approved/), item.getByRole("button", { name: label.approve }).click()]);
      await look(`console-security-requests-approved-${lang}`);

      // The operators page: a supervisor lifts a locked agent's lock.
      await t.service.database.db.updateTable("operators").set({ locked_at: t.clock.now(), failed_count: 10 }).where("login_id", "=", lockedAgent.loginId).execute();
      await page.goto(`${origin}/console/operators${q}`);
      await look(`console-operators-${lang}`);
      await page.getByLabel(label.operatorLoginId).fill(lockedAgent.loginId);
      await page.locator("#operator-unlock").getByLabel(label.reason).fill(lang === "ja" ? "本人から電話があり、在席を確認しました" : "Called in person; confirmed at the desk");
      await Promise.all([page.waitForURL(/done=/), page.getByRole("button", { name: label.unlockOperator }).click()]);
      await page.locator("#done").waitFor();
      await look(`console-operators-done-${lang}`);
      const row = await t.service.database.db.selectFrom("operators").select(["locked_at"]).where("login_id", "=", lockedAgent.loginId).executeTakeFirstOrThrow();
      assert.equal(row.locked_at, null);
    });
  }
});
