import { before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { browserSkipReason } from "../support/browser.ts";
import { checkPageAtBothWidths } from "../support/page-checks.ts";
import { customerBrowser } from "../support/customer-browser.ts";
import type { TestCustomer } from "../support/test-service.ts";
import { VirtualAuthenticator } from "../support/virtual-authenticator.ts";

type Lang = "ja" | "en";

const LABEL = {
  ja: {
    code: "認証コード", sendCode: "認証コードを送信", name: "パスキーの名前",
    register: "パスキーを登録", requiredOn: "パスキー必須をオンにする", on: "オン", off: "オフ", addAnother: "もう1つパスキーを登録する",
    confirm: "このままオンにする", cancel: "キャンセル", warning: /コールセンター/u,
  },
  en: {
    code: "Authentication code", sendCode: "Send the code", name: "Passkey name",
    register: "Register the passkey", requiredOn: "Turn passkey required on", on: "On", off: "Off", addAnother: "Register another passkey",
    confirm: "Turn it on anyway", cancel: "Cancel", warning: /call center/u,
  },
} as const;

const CODE_SUBJECT = "【OKB証券】認証コードのお知らせ";

/**
 * Issue 21 item 6: turning パスキー必須 on with one passkey that is kept on one device only
 * (not synced) first warns that losing that device means calling the call center, and offers to
 * register a second passkey (a button that starts the registration); the customer may still go
 * on. With two passkeys, or one synced passkey, there is no warning. The DevTools virtual
 * authenticator stands in for the phone: its passkeys are on one device unless made "synced".
 */
describe("パスキー必須 with one passkey on one device: a warning first", { skip: browserSkipReason() ?? false, timeout: 600_000 }, () => {
  const b = customerBrowser();
  const { t } = b;
  let origin = "";
  let page: Page;
  let authenticator: VirtualAuthenticator | null = null;

  before(async () => {
    ({ origin, page } = b);
    // No passkey autofill on the login page: the tests log in with ID, password and code.
    await page.addInitScript(() => {
      if (typeof PublicKeyCredential !== "undefined") {
        PublicKeyCredential.isConditionalMediationAvailable = async () => false;
      }
    });
  });

  /** A phone's passkey provider in this tab (one at a time): on one device, or synced. */
  async function useAuthenticator(options: { synced?: boolean } = {}): Promise<void> {
    await authenticator?.remove();
    authenticator = await VirtualAuthenticator.add(page, options);
  }

  async function passwordLogin(lang: Lang, customer: TestCustomer): Promise<void> {
    await b.logIn(customer, customer.password, lang);
  }

  function codeMailsTo(email: string): number {
    return t.smtp.mails.filter((mail) => mail.to === email && mail.subject === CODE_SUBJECT).length;
  }

  /** On /passkeys: the code mailed (by `start`, else the send button), then the name and code, then the browser's dialog. */
  async function registerPasskey(lang: Lang, customer: TestCustomer, name: string, start?: () => Promise<void>): Promise<void> {
    const label = LABEL[lang];
    const n = codeMailsTo(customer.email) + 1;
    await (start ?? (() => page.getByRole("button", { name: label.sendCode }).click()))();
    await page.locator("#passkey-step2").waitFor();
    await page.getByLabel(label.name).fill(name);
    await page.getByLabel(label.code, { exact: true }).fill(await t.codeFor(customer.email, n));
    // A new page load: the URL may say done=registered already, from the first passkey.
    await Promise.all([page.waitForEvent("load"), page.getByRole("button", { name: label.register }).click()]);
    assert.match(page.url(), /done=registered/u);
  }

  /** A customer logged in and on /passkeys with one passkey of the current authenticator. */
  async function customerWithOnePasskey(lang: Lang, loginId: string, options: { synced?: boolean } = {}): Promise<TestCustomer> {
    const customer = await t.addCustomer({ loginId, email: `${loginId}@example.co.jp` });
    await passwordLogin(lang, customer);
    await page.goto(`${origin}/passkeys${lang === "en" ? "?lang=en" : ""}`);
    await useAuthenticator(options);
    await registerPasskey(lang, customer, "iPhone");
    return customer;
  }

  it("ja: one passkey on one device: the warning, a second passkey registered from it, then no warning", async () => {
    const label = LABEL.ja;
    const customer = await customerWithOnePasskey("ja", "warn-ja");
    assert.equal(await page.locator("#passkey-required-warning").isVisible(), false, "no warning before the button");

    await page.getByRole("button", { name: label.requiredOn }).click();
    const warning = page.locator("#passkey-required-warning");
    await warning.waitFor();
    assert.match(await warning.innerText(), label.warning);
    assert.match(await warning.innerText(), /1つだけ/u);
    assert.equal(await page.locator("#passkey-required-state").innerText(), label.off, "nothing changed yet");
    assert.doesNotMatch(page.url(), /done=required/u, "no passkey dialog, no change");
    await checkPageAtBothWidths(page, "passkeys-required-warning-ja");

    // The offer starts the registration: the code is mailed and the name field is ready.
    await useAuthenticator();
    await registerPasskey("ja", customer, "iPad", async () => {
      await page.getByRole("button", { name: label.addAnother }).click();
      await page.locator("#passkey-step2").waitFor();
      assert.equal(await warning.isVisible(), false, "the warning steps aside");
      await checkPageAtBothWidths(page, "passkeys-required-add-another-ja");
    });
    assert.equal(await page.locator(".passkey").count(), 2);

    // Two passkeys: straight to the passkey dialog, no warning.
    await Promise.all([page.waitForURL(/done=required-on/), page.getByRole("button", { name: label.requiredOn }).click()]);
    assert.equal(await page.locator("#passkey-required-state").innerText(), label.on);
  });

  it("ja: one synced passkey: no warning", async () => {
    await customerWithOnePasskey("ja", "synced-ja", { synced: true });
    assert.match(await page.locator(".passkey dd").nth(2).innerText(), /複数の端末で同期/u);
    await Promise.all([page.waitForURL(/done=required-on/), page.getByRole("button", { name: LABEL.ja.requiredOn }).click()]);
    assert.equal(await page.locator("#passkey-required-state").innerText(), LABEL.ja.on);
  });

  for (const lang of ["ja", "en"] as const satisfies readonly Lang[]) {
    it(`${lang}: the customer may go on after the warning, or cancel it`, async () => {
      const label = LABEL[lang];
      await customerWithOnePasskey(lang, `anyway-${lang}`);
      await page.getByRole("button", { name: label.requiredOn }).click();
      await page.locator("#passkey-required-warning").waitFor();
      if (lang === "en") {
        await checkPageAtBothWidths(page, "passkeys-required-warning-en");
      }
      await page.getByRole("button", { name: label.cancel, exact: true }).click();
      assert.equal(await page.locator("#passkey-required-warning").isVisible(), false);
      assert.equal(await page.evaluate(() => document.activeElement?.id), "passkey-required-toggle", "focus back on the button");

      await page.getByRole("button", { name: label.requiredOn }).click();
      await Promise.all([page.waitForURL(/done=required-on/), page.getByRole("button", { name: label.confirm }).click()]);
      assert.equal(await page.locator("#passkey-required-state").innerText(), label.on);
    });
  }

  it("the passkey form's fields are as wide as its form, like every other form's", async () => {
    const customer = await t.addCustomer({ loginId: "wide-ja", email: "wide-ja@example.co.jp" });
    await passwordLogin("ja", customer);
    await page.goto(`${origin}/passkeys`);
    await page.getByRole("button", { name: LABEL.ja.sendCode }).click();
    await page.locator("#passkey-step2").waitFor();
    for (const width of [390, 1280]) {
      await page.setViewportSize({ width, height: 844 });
      const form = await page.locator("#passkey-register-form").boundingBox();
      for (const field of ["#passkey-name", "#code"]) {
        const box = await page.locator(field).boundingBox();
        assert.equal(Math.round(box?.width ?? 0), Math.round(form?.width ?? -1), `${field} at ${width} px`);
      }
    }
    await checkPageAtBothWidths(page, "passkeys-code-sent-wide-ja");
  });
});
