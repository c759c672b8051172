import { after, before } from "node:test";
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { launchBrowser } from "./browser.ts";
import type { TestBrowser } from "./browser.ts";
import { checkPageAtBothWidths, freePort } from "./page-checks.ts";
import { nextCodeMail } from "./page-login.ts";
import { sharedTestService } from "./test-service.ts";
import type { TestCustomer, TestService } from "./test-service.ts";

export type Lang = "ja" | "en";

/** The customer pages' labels a browser test types into and presses. */
export const LABELS = {
  ja: { loginId: "ログインID", password: "ログインパスワード", button: "ログイン", code: "認証コード" },
  en: { loginId: "Login ID", password: "Password", button: "Log in", code: "Authentication code" },
} as const;

export interface CustomerBrowser {
  /** The service under test (its clock, mails and stores). */
  t: TestService;
  /** `http://localhost:PORT`: Chromium keeps `__Host-` cookies on plain http only there. Set by the first before hook. */
  origin: string;
  browser: TestBrowser;
  page: Page;
  /** The page as it is now at 390 and 1280 px (screenshots NAME-phone/-desktop, axe-core, overflow, 44 px targets), and nothing the CSP refused. */
  look(name: string): Promise<void>;
  /** Types the login ID and `password` on /login and presses ログイン (whatever follows). */
  typePassword(customer: TestCustomer, password: string, lang: Lang): Promise<void>;
  /** Logs in through the pages (password, then the mailed code) and waits for マイページ. */
  logIn(customer: TestCustomer, password: string, lang: Lang): Promise<void>;
}

/**
 * One Chromium page on a service shared by the tests of a describe, listening on localhost with
 * its real CSP (call inside `describe`: it registers the hooks). The browser closes before the service.
 */
export function customerBrowser(env: Record<string, string> = {}): CustomerBrowser {
  const cspErrors: string[] = [];
  const state = { origin: "" } as CustomerBrowser;
  before(async () => {
    state.origin = `http://localhost:${await freePort()}`;
  });
  after(async () => {
    await state.browser?.close();
  });
  state.t = sharedTestService(() => ({ env: { PUBLIC_URL: state.origin, ...env } }));
  before(async () => {
    await state.t.service.app.listen({ host: "127.0.0.1", port: Number(new URL(state.origin).port) });
    state.browser = await launchBrowser();
    state.page = state.browser.page;
    state.page.setDefaultTimeout(15_000);
    state.page.on("console", (message) => {
      if (message.type() === "error" && /Content Security Policy/i.test(message.text())) {
        cspErrors.push(message.text());
      }
    });
  });

  state.look = async (name) => {
    await checkPageAtBothWidths(state.page, name);
    assert.deepEqual(cspErrors.splice(0), [], `${name}: CSP refusals`);
  };
  state.typePassword = async (customer, password, lang) => {
    const label = LABELS[lang];
    await state.page.goto(`${state.origin}/login${lang === "en" ? "?lang=en" : ""}`);
    await state.page.getByLabel(label.loginId).fill(customer.loginId);
    await state.page.getByLabel(label.password, { exact: true }).fill(password);
    await state.page.getByRole("button", { name: label.button, exact: true }).click();
  };
  state.logIn = async (customer, password, lang) => {
    const { t, page, origin } = state;
    const q = lang === "en" ? "?lang=en" : "";
    const n = nextCodeMail(t, customer);
    await Promise.all([page.waitForURL(`${origin}/login/mfa${q}`), state.typePassword(customer, password, lang)]);
    await page.getByLabel(LABELS[lang].code, { exact: true }).fill(await t.codeFor(customer.email, n));
    await Promise.all([page.waitForURL(`${origin}/${q}`), page.getByRole("button", { name: LABELS[lang].button, exact: true }).click()]);
  };
  return state;
}
