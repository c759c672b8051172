import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, statSync } from "node:fs";
import type { Page } from "playwright-core";
import { formatJapanTime } from "../../src/core/kernel/japan-time.ts";
import { browserSkipReason, launchBrowser, renderedFonts, screenshotPath } from "../support/browser.ts";
import type { TestBrowser } from "../support/browser.ts";
import { sharedTestService } from "../support/test-service.ts";
import { fullWidth, wrongCodeFor } from "../support/codes.ts";
import type { TestCustomer } from "../support/test-service.ts";
import { freePort } from "../support/free-port.ts";

/** `123456` → `１２３ ４５６`: what a customer with a Japanese IME in full-width mode may type. */
function fullWidthWithSpace(code: string): string {
  const wide = fullWidth(code);
  return `${wide.slice(0, 3)} ${wide.slice(3)}`;
}

function pathOf(page: Page): string {
  return new URL(page.url()).pathname;
}

/** The id of the element that has focus ("" for none or the body). */
function focusedId(page: Page): Promise<string> {
  return page.evaluate(() => document.activeElement?.id ?? "");
}

/** WCAG contrast ratio of two `rgb(r, g, b)` colours. */
function contrast(a: string, b: string): number {
  const luminance = (rgb: string): number => {
    const [r = 0, g = 0, bl = 0] = (rgb.match(/\d+(\.\d+)?/g) ?? []).map(Number).map((value) => {
      const c = value / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}

// The whole login flow as a customer sees it in Chromium (STYLE 20), against the
// real product on a loopback port with mail delivered over real SMTP.
describe("browser login: password, emailed code, マイページ, logout", { skip: browserSkipReason() ?? false, timeout: 120_000 }, () => {
  let browser: TestBrowser;
  let page: Page;
  let port: number;
  let origin: string;
  let customer: TestCustomer;

  // Hooks run in the order registered: the port first (the service's PUBLIC_URL names it), the browser closed before the service.
  before(async () => {
    port = await freePort();
    // `localhost`, not 127.0.0.1: Chromium keeps Secure (`__Host-`) cookies on plain http only for localhost.
    origin = `http://localhost:${port}`;
  });
  after(async () => {
    await browser?.close();
  });
  // The app refuses a POST whose Origin is not PUBLIC_URL's, and Chromium sends this one.
  const t = sharedTestService(() => ({ env: { PUBLIC_URL: origin } }));
  before(async () => {
    await t.service.app.listen({ host: "127.0.0.1", port });
    customer = await t.addCustomer({ loginId: "taro-browser", email: "taro@example.co.jp", name: "山田 太郎" });
    browser = await launchBrowser();
    page = browser.page;
    page.setDefaultTimeout(15_000);
  });

  it("shows the login page with ログインID and ログインパスワード", async () => {
    const response = await page.goto(`${origin}/login`);
    assert.equal(response?.status(), 200);
    assert.equal(await page.locator("h1").innerText(), "ログイン");
    assert.equal(await page.getByLabel("ログインID").isVisible(), true);
    assert.equal(await page.getByLabel("ログインパスワード").isVisible(), true);
  });

  it("draws Japanese in a proportional sans-serif (IPAPGothic here), not the monospaced IPAGothic", async () => {
    const stack = await page.evaluate(() => getComputedStyle(document.body).fontFamily);
    assert.match(stack, /^"Hiragino Sans", "Hiragino Kaku Gothic ProN", "Noto Sans JP", IPAPGothic, Meiryo, sans-serif$/);
    const fonts = await renderedFonts(page, "h1");
    assert.ok(fonts.length > 0, "Chromium names the font it drew with");
    for (const font of fonts) {
      assert.doesNotMatch(font, /^(IPAGothic|IPAゴシック)$/, `drawn in ${font}`);
    }
    assert.ok(fonts.some((font) => /^(IPAPGothic|IPA Pゴシック)$/.test(font)), `drawn in ${fonts.join(", ")}`);
  });

  it("colours links in the brand navy, with enough contrast, not the browser's blue", async () => {
    const colour = await page.locator("#help-link").evaluate((element) => getComputedStyle(element).color);
    assert.equal(colour, "rgb(11, 61, 110)");
    assert.ok(contrast(colour, "rgb(244, 246, 248)") >= 4.5, `contrast ${contrast(colour, "rgb(244, 246, 248)")} on the page`);
  });

  it("shows a visible focus ring on the navy button when it is reached with the keyboard", async () => {
    await page.getByLabel("ログインパスワード").focus();
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement?.tagName), "BUTTON");
    const ring = await page.evaluate(() => {
      const style = getComputedStyle(document.activeElement as Element);
      return { style: style.outlineStyle, width: Number.parseFloat(style.outlineWidth), offset: Number.parseFloat(style.outlineOffset), colour: style.outlineColor };
    });
    assert.equal(ring.style, "solid");
    assert.ok(ring.width >= 2, `outline ${ring.width}px`);
    assert.ok(ring.offset >= 2, "drawn apart from the navy button, on the white card");
    assert.ok(contrast(ring.colour, "rgb(255, 255, 255)") >= 3, `ring contrast ${contrast(ring.colour, "rgb(255, 255, 255)")} on the card`);
  });

  it("makes the call center's number a tel: link, and no button or link smaller than 44 × 44 px", async () => {
    assert.equal(await page.locator('footer a[href="tel:0120483744"]').innerText(), "0120-483744");
    for (const target of await page.locator("a[href], button").all()) {
      const box = await target.boundingBox();
      assert.ok(box !== null && box.height >= 44 && box.width >= 44, `${await target.innerText()}: ${JSON.stringify(box)}`);
    }
  });

  it("refuses a wrong password with [5101] and sends no mail", async () => {
    await page.getByLabel("ログインID").fill(customer.loginId);
    await page.getByLabel("ログインパスワード").fill("not the password");
    await page.getByRole("button", { name: "ログイン", exact: true }).click();
    await page.locator("#error").waitFor();
    assert.equal(pathOf(page), "/login");
    assert.match(await page.locator("#error").innerText(), /\[5101\]/);
    // The error takes focus, is announced, and the fields in error say so.
    assert.equal(await focusedId(page), "error");
    assert.equal(await page.locator("#error").getAttribute("role"), "alert");
    for (const field of ["ログインID", "ログインパスワード"]) {
      assert.equal(await page.getByLabel(field).getAttribute("aria-invalid"), "true", field);
      assert.equal(await page.getByLabel(field).getAttribute("aria-describedby"), "error", field);
    }
    await page.keyboard.press("Tab");
    assert.equal(await focusedId(page), "loginId", "Tab goes on from the error to the first field");
    // The ID stays filled in; the password does not.
    assert.equal(await page.getByLabel("ログインID").inputValue(), customer.loginId);
    assert.equal(await page.getByLabel("ログインパスワード").inputValue(), "");
    // Whatever was queued has gone out by now (or failed): nothing for this customer.
    await t.drainOutbox();
    assert.equal(t.smtp.mails.filter((mail) => mail.to === customer.email).length, 0);
  });

  it("takes the right password to ログイン時多要素認証 入力 with the masked address, send and expiry time", async () => {
    await page.getByLabel("ログインID").fill(customer.loginId);
    await page.getByLabel("ログインパスワード").fill(customer.password);
    await Promise.all([page.waitForURL(`${origin}/login/mfa`), page.getByRole("button", { name: "ログイン", exact: true }).click()]);
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
    // Only the CSRF and pre-auth cookies so far (and the passkey login's, which the login page's autofill
    // offer asked for on load), and Chromium kept them although they are Secure on http://localhost.
    const names = (await browser.context.cookies(origin)).map((cookie) => cookie.name).sort();
    assert.deepEqual(names, ["__Host-okb_csrf", "__Host-okb_passkey", "__Host-okb_preauth"]);
  });

  it("renders the code screen in Japanese (screenshot)", async () => {
    const file = screenshotPath("browser-login-mfa.png");
    await page.screenshot({ path: file, fullPage: true });
    assert.ok(statSync(file).size > 1000, "screenshot written");
    assert.deepEqual([...readFileSync(file).subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], "a PNG");
  });

  it("refuses a wrong code with [5121] 認証コードが不正です。 and keeps the form", async () => {
    const real = await t.codeFor(customer.email);
    await page.getByLabel("認証コード", { exact: true }).fill(wrongCodeFor(real));
    await page.getByRole("button", { name: "ログイン", exact: true }).click();
    await page.locator("#error").waitFor();
    assert.equal(pathOf(page), "/login/mfa");
    assert.match(await page.locator("#error").innerText(), /\[5121\] 認証コードが不正です。/);
    assert.equal(await page.getByLabel("認証コード", { exact: true }).isVisible(), true);
    assert.equal(await focusedId(page), "error");
    assert.equal(await page.getByLabel("認証コード", { exact: true }).getAttribute("aria-invalid"), "true");
    await page.keyboard.press("Tab");
    assert.equal(await focusedId(page), "code", "Tab goes on from the error to the code field");
  });

  it("accepts the mailed code typed in full-width digits with a space and opens マイページ with the name", async () => {
    const real = await t.codeFor(customer.email);
    const field = page.getByLabel("認証コード", { exact: true });
    await field.fill("");
    await field.pressSequentially(fullWidthWithSpace(real));
    assert.equal(await field.inputValue(), fullWidthWithSpace(real), "the browser sends what was typed, unchanged");
    await Promise.all([page.waitForURL(`${origin}/`), page.getByRole("button", { name: "ログイン", exact: true }).click()]);
    assert.equal(await page.locator("h1").innerText(), "マイページ");
    assert.equal(await page.locator("#greeting").innerText(), `${customer.name} 様`);
    const names = (await browser.context.cookies(origin)).map((cookie) => cookie.name).sort();
    // Named one by one: other cookies (a known-device marker) may come and go with other features.
    assert.ok(names.includes("__Host-okb_session"), `session cookie kept: ${names.join(", ")}`);
    assert.ok(!names.includes("__Host-okb_preauth"), `pre-auth cookie gone: ${names.join(", ")}`);
  });

  it("logs out back to /login with 「ログアウトしました。」, after which / sends the visitor to /login", async () => {
    await Promise.all([page.waitForURL(`${origin}/login?loggedOut=1`), page.locator("#logout").click()]);
    assert.equal(await page.getByLabel("ログインID").isVisible(), true);
    assert.equal(await page.getByRole("status").innerText(), "ログアウトしました。ご利用ありがとうございました。");
    const names = (await browser.context.cookies(origin)).map((cookie) => cookie.name);
    assert.ok(!names.includes("__Host-okb_session"), `no session cookie left: ${names.join(", ")}`);
    const response = await page.goto(`${origin}/`);
    assert.equal(pathOf(page), "/login");
    assert.equal(response?.status(), 200);
    assert.equal(await page.locator("h1").innerText(), "ログイン");
  });
});
