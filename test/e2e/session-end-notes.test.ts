import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { browserSkipReason } from "../support/browser.ts";
import { customerBrowser } from "../support/customer-browser.ts";
import type { Lang } from "../support/customer-browser.ts";
import { nextCodeMail } from "../support/page-login.ts";

const SENTENCES: Record<Lang, { loginRequired: string; idle: string; anotherDevice: string; passwordChanged: string }> = {
  ja: {
    loginRequired: "この画面をご覧になるには、ログインしてください。",
    idle: "一定時間操作がなかったため、安全のためログアウトしました。",
    anotherDevice: "別の端末からログアウトされました。",
    passwordChanged: "パスワードが変更されたため、すべての端末からログアウトしました。",
  },
  en: {
    loginRequired: "Please log in to see this page.",
    idle: "For your security, you were logged out because there was no activity for a while.",
    anotherDevice: "You were logged out from another device.",
    passwordChanged: "You were logged out on every device because your password was changed.",
  },
};

/**
 * Issue 21 item 3 in Chromium: the login page a member page sends the browser to says why, in one
 * sentence (no session at all; the idle timeout; another device; a password change), in Japanese
 * and English, at 390 and 1280 px: screenshots, axe-core, no sideways overflow, 44 px targets.
 */
describe("the login page says why the session ended", { skip: browserSkipReason() ?? false, timeout: 300_000 }, () => {
  const b = customerBrowser({ RATE_LIMIT_CODE_MAILS_PER_CUSTOMER: "100/60" });

  /** Opens a member page, lands on the login page, looks at it and reads its sentence. */
  async function landOnLogin(lang: Lang, name: string): Promise<string> {
    const q = lang === "en" ? "?lang=en" : "";
    await b.page.goto(`${b.origin}/history${q}`);
    assert.equal(b.page.url(), `${b.origin}/login${q}`);
    const note = await b.page.locator("#session-note").innerText();
    await b.look(name);
    return note;
  }

  for (const lang of ["ja", "en"] as const) {
    it(`${lang}: no session, then the idle timeout, another device and a password change`, async () => {
      const { t } = b;
      const said = SENTENCES[lang];
      await b.browser.context.clearCookies();
      assert.equal(await landOnLogin(lang, `session-note-login-required-${lang}`), said.loginRequired);
      await b.page.reload();
      assert.equal(await b.page.locator("#session-note").count(), 0, "said once");

      const customer = await t.addCustomer();
      await b.logIn(customer, customer.password, lang);
      t.clock.advance(t.config.session.idleSeconds * 1000);
      assert.equal(await landOnLogin(lang, `session-note-idle-timeout-${lang}`), said.idle);

      await b.logIn(customer, customer.password, lang);
      const other = t.client();
      const n = nextCodeMail(t, customer);
      await other.post("/api/v1/login", { json: { loginId: customer.loginId, password: customer.password } });
      await other.post("/api/v1/login/mfa", { json: { code: await t.codeFor(customer.email, n) } });
      assert.deepEqual((await other.post("/api/v1/sessions/end-others", { json: {} })).json(), { ended: 1 });
      assert.equal(await landOnLogin(lang, `session-note-another-device-${lang}`), said.anotherDevice);

      await b.logIn(customer, customer.password, lang);
      const m = nextCodeMail(t, customer);
      await other.post("/api/v1/password/code", { json: {} });
      const changed = await other.post("/api/v1/password", { json: { currentPassword: customer.password, newPassword: `new passphrase ${lang}`, code: await t.codeFor(customer.email, m) } });
      assert.equal(changed.statusCode, 200, changed.body);
      assert.equal(await landOnLogin(lang, `session-note-password-changed-${lang}`), said.passwordChanged);
    });
  }
});
