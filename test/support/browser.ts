import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import type { BrowserContext, Page } from "playwright-core";
import type { AxeResults, Result } from "axe-core";

/**
 * Debian's Chromium (apt package `chromium`), or `CHROMIUM_PATH` when set (also how
 * a missing browser is simulated: `CHROMIUM_PATH=/nonexistent`). Browser tests never
 * download a browser: they use the one the machine (or `.ci/run`) installed.
 * scripts/test-preflight.sh reads the same variable.
 */
export const CHROMIUM_PATH = process.env["CHROMIUM_PATH"] || "/usr/bin/chromium";

/** Flags for a quiet, headless Chromium in a container run as root. */
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export interface TestBrowser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/** CI as scripts/test-preflight.sh reads it: `CI` set, and not "false" or "0". */
function inCi(): boolean {
  const ci = process.env["CI"] ?? "";
  return ci !== "" && ci !== "false" && ci !== "0";
}

/**
 * Why a browser test cannot run here, or `null` when it can. Outside CI a
 * missing Chromium skips the test with this message (scripts/test-preflight.sh
 * has already said so loudly); in CI it is never a reason to skip: this throws,
 * so the test file fails with the reason instead.
 */
export function browserSkipReason(): string | null {
  if (existsSync(CHROMIUM_PATH)) {
    return null;
  }
  const reason = `${CHROMIUM_PATH} not found: install Debian's chromium (apt-get install chromium fonts-ipafont-gothic) to run browser tests`;
  if (inCi()) {
    throw new Error(`${reason}; CI=${process.env["CI"] ?? ""} skips no test`);
  }
  return reason;
}

/**
 * Where browser tests leave their screenshots (STYLE 20) for a person to look at:
 * test-output/screenshots/ at the repository root, not committed (.gitignore).
 */
export const SCREENSHOT_DIR = fileURLToPath(new URL("../../test-output/screenshots/", import.meta.url));

/** The path for screenshot `name` (`login-ja-phone.png`), its folder made if need be. */
export function screenshotPath(name: string): string {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return join(SCREENSHOT_DIR, name);
}

/** The phone and desktop widths every page is looked at in (iPhone 12–15: 390 px). */
export const VIEWPORTS = [
  { name: "phone", width: 390, height: 844 },
  { name: "desktop", width: 1280, height: 800 },
] as const;

let axeSource: string | null = null;

/**
 * Runs axe-core on the page as it is and returns its violations. axe is evaluated
 * through the DevTools protocol (page.evaluate), which the page's CSP (`script-src
 * 'self'`, no inline script) does not govern: the page runs under its real CSP, so a
 * test also sees anything the CSP would break.
 */
export async function axeViolations(page: Page): Promise<Result[]> {
  axeSource ??= readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
  const loaded = await page.evaluate(`(() => { if (typeof window.axe === "undefined") { ${axeSource}\n; window.axe = axe; } return typeof window.axe; })()`);
  if (loaded !== "object") {
    throw new Error(`axe-core did not load (${String(loaded)})`);
  }
  const results = (await page.evaluate(`window.axe.run(document, { resultTypes: ["violations"] })`)) as AxeResults;
  return results.violations;
}

/** One line per violation and element: what a failing assertion shows. */
export function describeViolations(violations: readonly Result[]): string[] {
  return violations.flatMap((violation) => violation.nodes.map((node) => `${violation.id} (${violation.impact ?? "?"}): ${node.target.join(" ")}: ${node.failureSummary ?? violation.help}`));
}

/**
 * The fonts Chromium actually drew the text of the first `selector` with (DevTools
 * CSS.getPlatformFontsForNode): what the CSS font stack resolved to on this machine.
 */
export async function renderedFonts(page: Page, selector: string): Promise<string[]> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send("DOM.enable");
    await cdp.send("CSS.enable");
    const { root } = await cdp.send("DOM.getDocument");
    const { nodeId } = await cdp.send("DOM.querySelector", { nodeId: root.nodeId, selector });
    const { fonts } = await cdp.send("CSS.getPlatformFontsForNode", { nodeId });
    return fonts.map((font) => font.familyName);
  } finally {
    await cdp.detach();
  }
}

/**
 * Starts Chromium on a fresh temporary profile (JavaScript on unless `javaScriptEnabled` is false). Playwright 1.65 takes a user
 * data dir only through `launchPersistentContext` (DESIGN §8).
 */
export async function launchBrowser(options: { javaScriptEnabled?: boolean } = {}): Promise<TestBrowser> {
  const userDataDir = mkdtempSync(join(tmpdir(), "okb-login-chromium-"));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
      locale: "ja-JP",
      timezoneId: "Asia/Tokyo",
      // false: a customer who turned JavaScript off (pages must still say what they need).
      javaScriptEnabled: options.javaScriptEnabled ?? true,
    });
  } catch (error) {
    rmSync(userDataDir, { recursive: true, force: true });
    throw error;
  }
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close(): Promise<void> {
      try {
        await context.close();
      } finally {
        rmSync(userDataDir, { recursive: true, force: true });
      }
    },
  };
}
