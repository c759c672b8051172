import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import type { Page } from "playwright-core";
import { formatJapanTime } from "../../src/core/japan-time.ts";
import { browserSkipReason, launchBrowser } from "../support/browser.ts";
import type { TestBrowser } from "../support/browser.ts";
import { startTestService } from "../support/test-service.ts";
import { fullWidth, wrongCodeFor } from "../support/codes.ts";
import type { TestCustomer, TestService } from "../support/test-service.ts";

/** `123456` → `１２３ ４５６`: what a customer with a Japanese IME in full-width mode may type. */
function fullWidthWithSpace(code: string): string {
  const wide = fullWidth(code);
  return `${wide.slice(0, 3)} ${wide.slice(3)}`;
}

/** A loopback port free right now, so PUBLIC_URL can name it before the app listens. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function pathOf(page: Page): string {
  return new URL(page.url()).pathname;
}

// The whole login flow as a customer sees it in Chromium (STYLE 20), against the
// real product on a loopback port with mail delivered over real SMTP.
describe("browser login: password, emailed code, マイページ, logout", { skip: browserSkipReason() ?? false, timeout: 120_000 }, () => {
  let t: TestService;
  let browser: TestBrowser;
  let page: Page;
  let origin: string;
  let customer: TestCustomer;
  let shotDir: string;

  before(async () => {
    const port = await freePort();
    // `localhost`, not 127.0.0.1: Chromium keeps Secure (`__Host-`) cookies on plain http only for localhost.
    origin = `http://localhost:${port}`;
    // The app refuses a POST whose Origin is not PUBLIC_URL's, and Chromium sends this one.
    t = await startTestService({ env: { PUBLIC_URL: origin } });
    await t.service.app.listen({ host: "127.0.0.1", port });
    customer = await t.addCustomer({ loginId: "taro-browser", email: "taro@example.co.jp", name: "山田 太郎" });
    shotDir = mkdtempSync(join(tmpdir(), "okb-login-shots-"));
    browser = await launchBrowser();
    page = browser.page;
    page.setDefaultTimeout(15_000);
  });

  after(async () => {
    await browser?.close();
    await t?.close();
    if (shotDir !== undefined) {
      rmSync(shotDir, { recursive: true, force: true });
    }
  });

  it("shows the login page with ログインID and ログインパスワード", async () => {
    const response = await page.goto(`${origin}/login`);
    assert.equal(response?.status(), 200);
    assert.equal(await page.locator("h1").innerText(), "ログイン");
    assert.equal(await page.getByLabel("ログインID").isVisible(), true);
    assert.equal(await page.getByLabel("ログインパスワード").isVisible(), true);
  });

  it("refuses a wrong password with [5101] and sends no mail", async () => {
    await page.getByLabel("ログインID").fill(customer.loginId);
    await page.getByLabel("ログインパスワード").fill("not the password");
    await page.getByRole("button", { name: "ログイン" }).click();
    await page.locator("#error").waitFor();
    assert.equal(pathOf(page), "/login");
    assert.match(await page.locator("#error").innerText(), /\[5101\]/);
    // The ID stays filled in; the password does not.
    assert.equal(await page.getByLabel("ログインID").inputValue(), customer.loginId);
    assert.equal(await page.getByLabel("ログインパスワード").inputValue(), "");
    assert.equal(t.smtp.mails.filter((mail) => mail.to === customer.email).length, 0);
  });

  it("takes the right password to ログイン時多要素認証 入力 with the masked address, send and expiry time", async () => {
    await page.getByLabel("ログインID").fill(customer.loginId);
    await page.getByLabel("ログインパスワード").fill(customer.password);
    await Promise.all([page.waitForURL(`${origin}/login/mfa`), page.getByRole("button", { name: "ログイン" }).click()]);
    assert.equal(await page.locator("h1").innerText(), "ログイン時多要素認証 入力");
    assert.equal(await page.locator("#masked-email").innerText(), "t***@example.co.jp");
    // The service's clock is frozen, so the send time is the clock's time, in Japan time.
    const sentAt = formatJapanTime(t.clock.now());
    const expiresAt = formatJapanTime(t.clock.now() + t.config.codeTtlSeconds * 1000);
    assert.equal(await page.locator("#sent-at").innerText(), sentAt);
    assert.equal(await page.locator("#expires-at").innerText(), expiresAt);
    // The mail shows the same send time, so the customer can tell which mail is current.
    const mail = await t.mailTo(customer.email);
    assert.ok(mail.text.includes(`送信日時: ${sentAt}`), "the mail names the send time the screen shows");
    // The phone keyboard shows digits and can offer the code from the mail.
    const code = page.getByLabel("認証コード", { exact: true });
    assert.equal(await code.getAttribute("autocomplete"), "one-time-code");
    assert.equal(await code.getAttribute("inputmode"), "numeric");
    // Only the CSRF and pre-auth cookies so far, and Chromium kept them although they are Secure on http://localhost.
    const names = (await browser.context.cookies(origin)).map((cookie) => cookie.name).sort();
    assert.deepEqual(names, ["__Host-okb_csrf", "__Host-okb_preauth"]);
  });

  it("renders the code screen in Japanese (screenshot)", async () => {
    const file = join(shotDir, "login-mfa.png");
    await page.screenshot({ path: file, fullPage: true });
    assert.ok(statSync(file).size > 1000, "screenshot written");
    assert.deepEqual([...readFileSync(file).subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], "a PNG");
  });

  it("refuses a wrong code with [5121] 認証コードが不正です。 and keeps the form", async () => {
    const real = await t.codeFor(customer.email);
    await page.getByLabel("認証コード", { exact: true }).fill(wrongCodeFor(real));
    await page.getByRole("button", { name: "ログイン" }).click();
    await page.locator("#error").waitFor();
    assert.equal(pathOf(page), "/login/mfa");
    assert.match(await page.locator("#error").innerText(), /\[5121\] 認証コードが不正です。/);
    assert.equal(await page.getByLabel("認証コード", { exact: true }).isVisible(), true);
  });

  it("accepts the mailed code typed in full-width digits with a space and opens マイページ with the name", async () => {
    const real = await t.codeFor(customer.email);
    const field = page.getByLabel("認証コード", { exact: true });
    await field.fill("");
    await field.pressSequentially(fullWidthWithSpace(real));
    assert.equal(await field.inputValue(), fullWidthWithSpace(real), "the browser sends what was typed, unchanged");
    await Promise.all([page.waitForURL(`${origin}/`), page.getByRole("button", { name: "ログイン" }).click()]);
    assert.equal(await page.locator("h1").innerText(), "マイページ");
    assert.equal(await page.locator("#greeting").innerText(), `${customer.name} 様`);
    const names = (await browser.context.cookies(origin)).map((cookie) => cookie.name).sort();
    assert.deepEqual(names, ["__Host-okb_csrf", "__Host-okb_session"], "session cookie kept, pre-auth cookie gone");
  });

  it("logs out back to /login, after which / sends the visitor to /login", async () => {
    await Promise.all([page.waitForURL(`${origin}/login`), page.locator("#logout").click()]);
    assert.equal(await page.getByLabel("ログインID").isVisible(), true);
    const names = (await browser.context.cookies(origin)).map((cookie) => cookie.name);
    assert.deepEqual(names, ["__Host-okb_csrf"], "no session cookie left");
    const response = await page.goto(`${origin}/`);
    assert.equal(pathOf(page), "/login");
    assert.equal(response?.status(), 200);
    assert.equal(await page.locator("h1").innerText(), "ログイン");
  });
});
