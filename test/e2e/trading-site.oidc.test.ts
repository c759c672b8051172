import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { SignJWT, generateKeyPair } from "jose";
import type { Page } from "playwright-core";
import { browserSkipReason, launchBrowser } from "../support/browser.ts";
import type { TestBrowser } from "../support/browser.ts";
import { checkPageAtBothWidths, freePort } from "../support/page-checks.ts";
import { nextCodeMail } from "../support/page-login.ts";
import { sharedTestService } from "../support/test-service.ts";
import type { TestCustomer } from "../support/test-service.ts";
import { VirtualAuthenticator } from "../support/virtual-authenticator.ts";

const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));
const CLIENT_ID = "trade-example";

/** The example as its README starts it: its own process, on its own origin (127.0.0.1: another site than okb-login's localhost). */
async function startExample(env: Record<string, string>, url: string): Promise<{ child: ChildProcess; output(): string; stop(): Promise<void> }> {
  const child = spawn("bash", ["scripts/node.sh", "examples/trading-site/server.ts"], { cwd: REPO_ROOT, env: { PATH: process.env["PATH"] ?? "", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`the example exited with ${child.exitCode}:\n${output}`);
    }
    if (await fetch(`${url}/`).then((response) => response.ok, () => false)) {
      break;
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`the example did not answer within 30 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    child,
    output: () => output,
    async stop() {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        await exited;
      }
    },
  };
}

/**
 * Issue 20 item 10: the example relying party (examples/trading-site, openid-client) against the
 * real okb-login in Chromium. The customer logs in at the example through okb-login's pages
 * (password + emailed code), the example shows the ID token's claims; a withdrawal at the example
 * asks okb-login for a passkey (acr_values), answered by the CDP virtual authenticator; the example
 * creates a confirmation with its access token; a logout on okb-login's マイページ reaches the example
 * by back-channel and ends its session within 10 s. okb-login's passkey step-up page is looked at in
 * Japanese and English at 390 and 1280 px (screenshots, axe-core).
 */
describe("the example trading site, a relying party of okb-login, end to end in Chromium", { skip: browserSkipReason() ?? false, timeout: 300_000 }, () => {
  let okb = "";
  let site = "";
  let browser: TestBrowser;
  let page: Page;
  let example: Awaited<ReturnType<typeof startExample>> | undefined;
  let ticker: NodeJS.Timeout | undefined;
  let customer: TestCustomer;
  let authenticator: VirtualAuthenticator;
  const cspErrors: string[] = [];

  before(async () => {
    // localhost: Chromium keeps okb-login's `__Host-` cookies on plain http only there, and WebAuthn wants a name as RP ID.
    okb = `http://localhost:${await freePort()}`;
  });
  after(async () => {
    clearInterval(ticker);
    await browser?.close();
    await example?.stop();
  });
  const t = sharedTestService(() => ({ realTimeClock: true, env: { PUBLIC_URL: okb } }));
  before(async () => {
    await t.service.app.listen({ host: "127.0.0.1", port: Number(new URL(okb).port) });
    // The test clock follows the real one: the provider, the example and the logout token's exp all read
    // real time, while codes, sessions (auth_time) and the logout token's iat read this clock.
    ticker = setInterval(() => t.clock.advance(Math.max(0, Date.now() - t.clock.now())), 100);
    const port = await freePort();
    site = `http://127.0.0.1:${port}`;
    // As `npm run cli -- client add` registers it (examples/trading-site/README.md).
    const registered = await t.addClient({
      clientId: CLIENT_ID,
      name: "OKB トレード（例）",
      redirectUris: [`${site}/callback`],
      postLogoutRedirectUris: [`${site}/`],
      backchannelLogoutUri: `${site}/backchannel-logout`,
    });
    example = await startExample({ OKB_ISSUER: okb, CLIENT_ID, CLIENT_SECRET: registered.secret ?? "", PUBLIC_URL: site, PORT: String(port) }, site);
    browser = await launchBrowser();
    page = browser.page;
    page.setDefaultTimeout(15_000);
    // No passkey autofill: okb-login's login page would log the customer in by itself as it loads (after the
    // logout below, too); the customer presses 「パスキーでログイン」 instead.
    await page.addInitScript(() => {
      if (typeof PublicKeyCredential !== "undefined") {
        PublicKeyCredential.isConditionalMediationAvailable = async () => false;
      }
    });
    page.on("console", (message) => {
      if (message.type() === "error" && /Content Security Policy/i.test(message.text())) {
        cspErrors.push(message.text());
      }
    });
  });

  async function claim(name: string): Promise<string> {
    return page.locator(`[data-claim="${name}"]`).innerText();
  }

  it("logs in at the example through okb-login's pages (password and emailed code); the example shows the ID token's claims, acr mfa", async () => {
    customer = await t.addCustomer({ loginId: "trade-example-1", email: "trade-example-1@example.co.jp", name: "山田 太郎" });
    await page.goto(`${site}/`);
    await Promise.all([page.waitForURL(`${okb}/login`), page.getByRole("link", { name: /OKB証券のIDでログイン/ }).click()]);
    const n = nextCodeMail(t, customer);
    await page.getByLabel("ログインID").fill(customer.loginId);
    await page.getByLabel("ログインパスワード", { exact: true }).fill(customer.password);
    await Promise.all([page.waitForURL(`${okb}/login/mfa`), page.getByRole("button", { name: "ログイン", exact: true }).click()]);
    await page.getByLabel("認証コード", { exact: true }).fill(await t.codeFor(customer.email, n));
    // The code's POST, then マイページ's page that moves on by itself (oidc-continue.eta: a form's CSP does not hold it back).
    await Promise.all([page.waitForURL(`${site}/`), page.getByRole("button", { name: "ログイン", exact: true }).click()]);

    assert.equal(await page.getByRole("heading", { level: 1 }).innerText(), `ようこそ、${customer.name} 様`);
    assert.equal(await claim("sub"), customer.customer.id);
    assert.equal(await claim("preferred_username"), customer.loginId);
    assert.equal(await claim("name"), customer.name);
    assert.equal(await claim("acr"), "urn:okb:acr:mfa");
    assert.equal(await claim("amr"), "pwd otp mfa");
    assert.match(await claim("auth_time"), /^\d{10} \(/);
    assert.match(await claim("sid"), /^\S{10,}$/);
    assert.deepEqual(cspErrors.splice(0), [], "no CSP refusal on the way (form-action after the code's POST)");
  });

  it("registers a passkey on okb-login's パスキー page (the virtual authenticator)", async () => {
    authenticator = await VirtualAuthenticator.add(page);
    await page.goto(`${okb}/passkeys`);
    const n = nextCodeMail(t, customer);
    await page.getByRole("button", { name: "認証コードを送信" }).click();
    await page.getByLabel("パスキーの名前").fill("iPhone");
    await page.getByLabel("認証コード", { exact: true }).fill(await t.codeFor(customer.email, n));
    await Promise.all([page.waitForURL(/done=registered/), page.getByRole("button", { name: "パスキーを登録" }).click()]);
    assert.equal((await authenticator.credentials()).length, 1);
  });

  it("a withdrawal at the example asks okb-login for a passkey; after it the example has acr passkey and creates the confirmation with its access token", async () => {
    await page.goto(`${site}/`);
    const firstSid = await claim("sid");
    // The example's withdrawal page sends the browser to okb-login with acr_values=urn:okb:acr:passkey and max_age.
    await Promise.all([page.waitForURL(new RegExp(`^${okb}/oidc/interaction/`)), page.goto(`${site}/withdrawal`)]);
    const stepUp = page.url();
    await page.goto(`${stepUp}?lang=en`);
    assert.equal(await page.getByRole("heading", { level: 1 }).innerText(), "Confirm with your passkey");
    assert.match(await page.locator("#step-up-lead").innerText(), /“OKB トレード（例）” asks you to confirm it is you with a passkey/);
    await page.getByRole("button", { name: "Log in with a passkey" }).waitFor();
    await checkPageAtBothWidths(page, "oidc-passkey-step-up-en");
    await page.goto(stepUp);
    assert.equal(await page.getByRole("heading", { level: 1 }).innerText(), "パスキーで本人確認");
    assert.match(await page.locator("#step-up-lead").innerText(), /「OKB トレード（例）」が、パスキーでの本人確認を求めています/);
    await page.getByRole("button", { name: "パスキーでログイン" }).waitFor();
    assert.equal(await page.getByText("または", { exact: true }).count(), 0, "the passkey is the only way offered: no 「または」");
    await checkPageAtBothWidths(page, "oidc-passkey-step-up-ja");
    assert.deepEqual(cspErrors.splice(0), [], "the step-up page: CSP refusals");

    await Promise.all([page.waitForURL(`${site}/withdrawal`), page.getByRole("button", { name: "パスキーでログイン" }).click()]);
    assert.equal(await claim("acr"), "urn:okb:acr:passkey");
    assert.equal(await claim("amr"), "hwk user mfa");
    assert.equal(await claim("sub"), customer.customer.id);
    assert.notEqual(await claim("sid"), firstSid, "the passkey login is a new okb-login session");
    const authTime = Number((await claim("auth_time")).split(" ")[0]);
    assert.ok(Math.abs(Date.now() / 1000 - authTime) < 60, "auth_time: the passkey login just now");

    await page.getByLabel(/金額/).fill("30000");
    await page.getByRole("button", { name: /出金を申し込む/ }).click();
    await page.locator("#confirmation-summary, #confirmation-error").waitFor();
    assert.equal(await page.locator("#confirmation-summary").count(), 1, await page.locator("main").innerText());
    assert.equal(await page.locator("#confirmation-summary").innerText(), "出金 30,000円");
    assert.equal(await page.locator("#confirmation-required").innerText(), "pin passkey");
  });

  it("the example refuses a logout token okb-login did not sign, and stays logged in", async () => {
    await page.goto(`${site}/`);
    const sid = await claim("sid");
    const { privateKey } = await generateKeyPair("ES256");
    const now = Math.floor(Date.now() / 1000);
    const forged = await new SignJWT({ sid, events: { "http://schemas.openid.net/event/backchannel-logout": {} } })
      .setProtectedHeader({ alg: "ES256", typ: "logout+jwt" })
      .setIssuer(okb)
      .setAudience(CLIENT_ID)
      .setSubject(customer.customer.id)
      .setIssuedAt(now)
      .setExpirationTime(now + 120)
      .setJti("forged-1")
      .sign(privateKey);
    for (const logoutToken of [forged, "not-a-jwt"]) {
      const response = await fetch(`${site}/backchannel-logout`, { method: "POST", body: new URLSearchParams({ logout_token: logoutToken }) });
      assert.equal(response.status, 400);
    }
    await page.reload();
    assert.equal(await claim("sid"), sid, "still logged in");
  });

  it("a logout on okb-login's マイページ ends the example's session by back-channel within 10 s", async () => {
    await page.goto(`${okb}/`);
    const loggedOutAt = Date.now();
    await Promise.all([page.waitForURL(/\/login\?loggedOut=1/), page.getByRole("button", { name: "ログアウト" }).click()]);
    let said = "";
    while (Date.now() - loggedOutAt < 10_000) {
      await page.goto(`${site}/`);
      if ((await page.locator("#logged-out").count()) > 0) {
        said = await page.locator("#logged-out").innerText();
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    assert.match(said, /ログアウトしました（OKB証券のログインが終了したため）/, `the example still shows a session ${Date.now() - loggedOutAt} ms after the logout:\n${example?.output() ?? ""}`);
    assert.equal(await page.locator("[data-claim]").count(), 0, "no claims shown any more");
    await Promise.all([page.waitForURL(`${site}/`), page.goto(`${site}/withdrawal`)]);
  });

  it("logs in again (the passkey on okb-login's login page) and logs out from the example: okb-login asks, ends its session and sends the browser back", async () => {
    await page.goto(`${site}/`);
    await Promise.all([page.waitForURL(`${okb}/login`), page.getByRole("link", { name: /OKB証券のIDでログイン/ }).click()]);
    // The passkey, then マイページ's page back to the example (oidc-continue.eta), here without its meta refresh,
    // to be looked at and left by its link, as a browser that does not refresh would.
    await page.route(`${okb}/`, async (route) => {
      const answer = await route.fetch();
      await route.fulfill({ response: answer, body: (await answer.text()).replace(/<meta http-equiv="refresh"[^>]*>/u, "") });
    });
    await page.getByRole("button", { name: "パスキーでログイン" }).click();
    await page.locator("#continue-lead").waitFor();
    await page.unroute(`${okb}/`);
    assert.equal(await page.locator("#continue-lead").innerText(), "ログインしました。ご利用のサービスの画面に戻ります。");
    await checkPageAtBothWidths(page, "oidc-continue-ja");
    assert.deepEqual(cspErrors.splice(0), [], "the page back to the service: CSP refusals");
    await Promise.all([page.waitForURL(`${site}/`), page.getByRole("link", { name: "ご利用のサービスに戻る" }).click()]);
    assert.equal(await claim("acr"), "urn:okb:acr:passkey");

    await Promise.all([page.waitForURL(new RegExp(`^${okb}/oidc/session/end`)), page.getByRole("button", { name: /ログアウト/ }).click()]);
    await Promise.all([page.waitForURL(`${site}/`), page.getByRole("button", { name: "ログアウトする" }).click()]);
    assert.equal(await page.locator("#logged-out").innerText(), "ログアウトしました。 / You have logged out.");
    assert.deepEqual(cspErrors.splice(0), [], "no CSP refusal on the way (form-action after the logout's POST)");
    await Promise.all([page.waitForURL(`${okb}/login`), page.goto(`${okb}/`)]);
    await authenticator.remove();
  });
});
