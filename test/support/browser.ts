import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import type { BrowserContext, Page } from "playwright-core";

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
 * Starts Chromium on a fresh temporary profile. Playwright 1.65 takes a user
 * data dir only through `launchPersistentContext` (DESIGN §8).
 */
export async function launchBrowser(): Promise<TestBrowser> {
  const userDataDir = mkdtempSync(join(tmpdir(), "okb-login-chromium-"));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
      locale: "ja-JP",
      timezoneId: "Asia/Tokyo",
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
