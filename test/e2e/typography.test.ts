import { before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { browserSkipReason } from "../support/browser.ts";
import { checkPageAtBothWidths } from "../support/page-checks.ts";
import { LABELS, customerBrowser } from "../support/customer-browser.ts";
import type { Lang } from "../support/customer-browser.ts";

const PHONE = "0120-483744";

/**
 * How many lines each occurrence of `text` in the page's visible text takes: a range over
 * exactly those characters, its boxes grouped by line. 1 means it was not broken inside.
 */
async function linesOfEach(page: Page, text: string): Promise<number[]> {
  return page.evaluate((needle) => {
    const counts: number[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
      const value = node.nodeValue ?? "";
      for (let at = value.indexOf(needle); at !== -1; at = value.indexOf(needle, at + needle.length)) {
        const range = document.createRange();
        range.setStart(node, at);
        range.setEnd(node, at + needle.length);
        const rects = [...range.getClientRects()].filter((rect) => rect.width > 0);
        if (rects.length === 0) {
          continue;
        }
        counts.push(new Set(rects.map((rect) => Math.round(rect.top))).size);
      }
    }
    return counts;
  }, text);
}

/** Each occurrence of `text` on one line, at 390 px; at least `atLeast` of them shown. */
async function assertOneLineEach(page: Page, text: string, where: string, atLeast = 1): Promise<void> {
  await page.setViewportSize({ width: 390, height: 844 });
  const lines = await linesOfEach(page, text);
  assert.ok(lines.length >= atLeast, `${where}: "${text}" shown ${lines.length} times, expected at least ${atLeast}`);
  assert.deepEqual(lines, lines.map(() => 1), `${where}: "${text}" on one line each at 390 px (lines per occurrence)`);
}

/**
 * Issue 21 item 9: at 390 px the masked 重要メール address and the call center's number are
 * never broken inside (「w***@e / xample」, 「0120- / 483744」) on マイページ, the code screen
 * and the footer; the English footer names the call center in English. Each page is looked
 * at in both languages and widths (screenshots, axe-core).
 */
describe("typography at 390 px: addresses and the phone number on one line", { skip: browserSkipReason() ?? false, timeout: 600_000 }, () => {
  const b = customerBrowser();
  const { t } = b;
  let origin = "";
  let page: Page;

  before(() => {
    ({ origin, page } = b);
  });

  for (const lang of ["ja", "en"] as const satisfies readonly Lang[]) {
    const q = lang === "en" ? "?lang=en" : "";
    const label = LABELS[lang];

    it(`${lang}: the code screen and マイページ keep the masked address and the phone number whole`, async () => {
      // A long domain, as many customers have: the masked address is still one unbroken word.
      const customer = await t.addCustomer({ loginId: `type-${lang}`, email: `watanabe.${lang}@example-securities.co.jp`, name: "渡辺 健一郎" });
      const masked = `w***@example-securities.co.jp`;
      await page.setViewportSize({ width: 390, height: 844 });
      await Promise.all([page.waitForURL(`${origin}/login/mfa${q}`), b.typePassword(customer, customer.password, lang)]);
      await checkPageAtBothWidths(page, `typography-login-mfa-${lang}`);
      await assertOneLineEach(page, masked, `code screen (${lang})`);
      await assertOneLineEach(page, PHONE, `code screen (${lang})`);

      await page.getByLabel(label.code, { exact: true }).fill(await t.codeFor(customer.email));
      await Promise.all([page.waitForURL(`${origin}/${q}`), page.getByRole("button", { name: label.button, exact: true }).click()]);
      await checkPageAtBothWidths(page, `typography-my-page-${lang}`);
      await assertOneLineEach(page, masked, `マイページ (${lang})`);
      await assertOneLineEach(page, PHONE, `マイページ (${lang})`, 2);
    });

    it(`${lang}: a refusal that names the call center keeps its number whole`, async () => {
      // A frozen account: the login page's error says whom to call, the number inside the sentence.
      const customer = await t.addCustomer({ loginId: `type-frozen-${lang}`, email: `frozen.${lang}@example.co.jp` });
      await t.stores().customers.freeze(customer.customer.id, t.clock.now());
      await page.setViewportSize({ width: 390, height: 844 });
      await b.typePassword(customer, customer.password, lang);
      await page.locator("#error").waitFor();
      await checkPageAtBothWidths(page, `typography-login-frozen-${lang}`);
      assert.match(await page.locator("#error").innerText(), new RegExp(PHONE));
      await assertOneLineEach(page, PHONE, `login refusal (${lang})`, 2);
      assert.equal(await page.locator("#error a.tel").count(), 1, "the number in the refusal is a tel: link like every other");
    });

    it(`${lang}: the help pages (issue 21 item 7: Q9, the late mail, パスキー and 口座の凍結 pages) at both widths`, async () => {
      for (const [name, path] of [
        ["help", "/help"],
        ["help-code-not-received", "/help/code-not-received"],
        ["help-passkeys", "/help/passkeys"],
        ["help-freeze", "/help/freeze"],
      ] as const) {
        const response = await page.goto(`${origin}${path}${q}`);
        assert.equal(response?.status(), 200, path);
        await checkPageAtBothWidths(page, `typography-${name}-${lang}`);
        await assertOneLineEach(page, PHONE, `${path} (${lang})`);
      }
    });

    it(`${lang}: the footer names the call center in the page's language, its number on one line`, async () => {
      await page.goto(`${origin}/help${q}`);
      const footer = await page.locator(".site-footer").innerText();
      if (lang === "en") {
        assert.doesNotMatch(footer, /[\u3040-\u30ff\u4e00-\u9fff]/u, "no Japanese in the English footer");
        assert.match(footer, /Call Center/);
      } else {
        assert.match(footer, /四方八方みんなよし/);
      }
      await assertOneLineEach(page, PHONE, `help page (${lang})`, 4);
    });
  }
});
