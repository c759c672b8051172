import { after, before } from "node:test";
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { launchBrowser } from "./browser.ts";
import type { TestBrowser } from "./browser.ts";
import { sharedTestService } from "./test-service.ts";
import type { TestService } from "./test-service.ts";
import { checkPageAtBothWidths, freePort } from "./page-checks.ts";
import { totpCode } from "../../src/core/console/operators/totp.ts";

type Lang = "ja" | "en";

/** The console login form's labels in each language (a test's own LABEL table has them). */
export type ConsoleLoginLabels = Record<Lang, { loginId: string; password: string; totp: string; login: string }>;

export interface ConsoleBrowser {
  /** The service, listening on `origin` once the suite's before hooks have run. */
  readonly t: TestService;
  /** `http://localhost:PORT`, set in the first before hook. */
  readonly origin: string;
  readonly browser: TestBrowser;
  readonly page: Page;
  /** Checks the page at 390 and 1280 px (screenshot `name`, axe-core, overflow, targets) and that the CSP refused nothing since the last look. */
  look(name: string): Promise<void>;
  /** Logs `operator` in on the console's login page (password + TOTP on the test's clock) and waits for the console's home. */
  consoleLogin(lang: Lang, operator: { loginId: string; password: string; totpSecret: string }): Promise<void>;
}

/**
 * The browser side of the console e2e tests, declared inside a `describe`: a shared test service
 * listening on a free port of `localhost` (Chromium keeps Secure `__Host-` cookies on plain http
 * only for localhost), Chromium with a 15 s default timeout, and a collector of the console errors
 * the Content Security Policy raised. Registers its before and after hooks where it is called
 * (hooks run in the order registered: a before hook registered after this call finds the page
 * open). `clearCookiesBeforeLogin`: every consoleLogin starts without the previous operator's cookies.
 */
export function useConsoleBrowser(labels: ConsoleLoginLabels, options: { clearCookiesBeforeLogin?: boolean } = {}): ConsoleBrowser {
  let origin = "";
  let browser: TestBrowser | undefined;
  const cspErrors: string[] = [];

  before(async () => {
    // `localhost`: Chromium keeps Secure (`__Host-`) cookies on plain http only for localhost.
    origin = `http://localhost:${await freePort()}`;
  });
  after(async () => {
    await browser?.close();
  });
  const t = sharedTestService(() => ({ env: { PUBLIC_URL: origin } }));
  before(async () => {
    await t.service.app.listen({ host: "127.0.0.1", port: Number(new URL(origin).port) });
    browser = await launchBrowser();
    const page = browser.page;
    page.setDefaultTimeout(15_000);
    page.on("console", (message) => {
      if (message.type() === "error" && /Content Security Policy/i.test(message.text())) {
        cspErrors.push(message.text());
      }
    });
  });

  function opened(): TestBrowser {
    if (browser === undefined) {
      throw new Error("the browser is not launched yet (useConsoleBrowser launches it in the suite's before hook)");
    }
    return browser;
  }

  async function look(name: string): Promise<void> {
    await checkPageAtBothWidths(opened().page, name);
    assert.deepEqual(cspErrors.splice(0), [], `${name}: CSP refusals`);
  }

  async function consoleLogin(lang: Lang, operator: { loginId: string; password: string; totpSecret: string }): Promise<void> {
    const { page, context } = opened();
    const q = lang === "en" ? "?lang=en" : "";
    const label = labels[lang];
    if (options.clearCookiesBeforeLogin === true) {
      await context.clearCookies();
    }
    await page.goto(`${origin}/console/login${q}`);
    await page.getByLabel(label.loginId).fill(operator.loginId);
    await page.getByLabel(label.password, { exact: true }).fill(operator.password);
    await page.getByLabel(label.totp).fill(totpCode(operator.totpSecret, t.clock.now()));
    await Promise.all([page.waitForURL(`${origin}/console${q}`), page.getByRole("button", { name: label.login, exact: true }).click()]);
  }

  return {
    t,
    get origin(): string {
      return origin;
    },
    get browser(): TestBrowser {
      return opened();
    },
    get page(): Page {
      return opened().page;
    },
    look,
    consoleLogin,
  };
}
