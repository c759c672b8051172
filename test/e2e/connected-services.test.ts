import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Customer } from "../../src/core/kernel/ports.ts";
import { sessionPublicId } from "../../src/core/login/session.ts";
import { browserSkipReason } from "../support/browser.ts";
import { customerBrowser } from "../support/customer-browser.ts";
import type { Lang } from "../support/customer-browser.ts";
import { useConsoleBrowser } from "../support/console-browser.ts";
import type { TestService } from "../support/test-service.ts";
import { insertClient, insertGrantPayloads, newConnection } from "../support/oidc-rows.ts";

const SERVICE_NAME = "OKB取引サイト";

const WORDS = {
  ja: { title: "連携中のサービス", end: "連携を解除する", ended: "選択したサービスとの連携を解除しました。", none: "連携中のサービスはありません。", history: "ログイン先" },
  en: { title: "Connected services", end: "End connection", ended: "The connection has been ended.", none: "No service is connected.", history: "Logged in to" },
} as const;

/**
 * The customer's live session connected to a new client, as the provider's adapter and the store
 * write it (the HTTP tests drive the real flow: test/http/oidc.connected-services.test.ts), and the
 * `oidc.connected` audit event ログイン履歴 reads.
 */
async function connectLiveSession(t: TestService, customer: Customer): Promise<string> {
  const db = t.service.database.db;
  const stores = t.stores();
  const clientId = await insertClient(db, { name: SERVICE_NAME });
  const [session] = await stores.sessions.listOpen(customer.id);
  assert.ok(session !== undefined, "a live session");
  const connection = newConnection(customer, session, clientId, { createdAt: t.clock.now(), lastUsedAt: t.clock.now() + 90_000 });
  await insertGrantPayloads(db, connection.grantId);
  assert.equal(await stores.oidcConnections.record(connection), true);
  await stores.audit.record({
    event: "oidc.connected",
    outcome: "ok",
    customerId: customer.id,
    actor: "customer",
    ip: "203.0.113.10",
    userAgent: "e2e",
    requestId: "e2e-connect",
    detail: { clientId, clientName: SERVICE_NAME, sessionId: sessionPublicId(session.idHash) },
  });
  return clientId;
}

/**
 * Issue 20 item 8 in Chromium: ご利用中の端末 with one connected service, 「連携を解除する」 and the page
 * after it, and ログイン履歴 naming the service beside its login; at 390 and 1280 px in Japanese and
 * English (screenshots, axe-core, 44 px targets, no sideways overflow, nothing the CSP refused).
 */
describe("「連携中のサービス」 on ご利用中の端末 and ログイン履歴", { skip: browserSkipReason() ?? false, timeout: 300_000 }, () => {
  const b = customerBrowser({ RATE_LIMIT_CODE_MAILS_PER_CUSTOMER: "100/60" });

  for (const lang of ["ja", "en"] as const satisfies readonly Lang[]) {
    it(`${lang}: one connected service listed, ended from the page, named in the login history`, async () => {
      const { t, page, origin } = b;
      const q = lang === "en" ? "?lang=en" : "";
      const words = WORDS[lang];
      await b.browser.context.clearCookies();
      const customer = await t.addCustomer();
      await b.logIn(customer, customer.password, lang);
      const clientId = await connectLiveSession(t, customer.customer);

      await page.goto(`${origin}/sessions${q}`);
      const services = page.locator("#connected-services");
      assert.equal(await services.getByRole("heading", { level: 2 }).innerText(), words.title);
      const line = services.locator(`li[data-client-id="${clientId}"]`);
      assert.equal(await line.getByRole("heading", { level: 3 }).innerText(), SERVICE_NAME);
      const button = line.getByRole("button", { name: words.end });
      assert.equal(await button.getAttribute("aria-describedby"), await line.getByRole("heading", { level: 3 }).getAttribute("id"), "the button is described by the service's name");
      await b.look(`connected-services-${lang}`);

      await Promise.all([page.waitForURL(`${origin}/sessions?${lang === "en" ? "lang=en&" : ""}done=service`), button.click()]);
      assert.equal(await page.locator("#confirmation").innerText(), words.ended);
      assert.equal(await page.locator("#no-services").innerText(), words.none);
      await b.look(`connected-services-ended-${lang}`);

      await page.goto(`${origin}/history${q}`);
      const withService = page.locator("#history li", { has: page.locator("dd.services") });
      assert.equal(await withService.count(), 1, "one login was given to the service");
      assert.equal(await withService.locator("dd.services").innerText(), SERVICE_NAME);
      assert.match(await withService.innerText(), new RegExp(words.history, "u"));
      await b.look(`history-connected-service-${lang}`);
    });
  }
});

const CONSOLE_LABELS = {
  ja: { loginId: "ログインID", password: "パスワード", totp: "確認コード（TOTP）", login: "ログイン" },
  en: { loginId: "Login ID", password: "Password", totp: "Verification code (TOTP)", login: "Log in" },
} as const;

/**
 * The call center's side in Chromium: the customer page lists the service and the card that ends
 * it, with a reason; at 390 and 1280 px in Japanese and English.
 */
describe("the console's customer page with a connected service", { skip: browserSkipReason() ?? false, timeout: 300_000 }, () => {
  const c = useConsoleBrowser(CONSOLE_LABELS, { clearCookiesBeforeLogin: true });

  for (const lang of ["ja", "en"] as const) {
    it(`${lang}: the service listed and ended by an operator with a reason`, async () => {
      const { t, page, origin } = c;
      const q = lang === "en" ? "?lang=en" : "";
      const customer = await t.addCustomer({ loginId: `e2e-conn-${lang}` });
      await t.client().post("/api/v1/login", { json: { loginId: customer.loginId, password: customer.password } });
      const app = t.client();
      await app.post("/api/v1/login", { json: { loginId: customer.loginId, password: customer.password } });
      await app.post("/api/v1/login/mfa", { json: { code: await t.codeFor(customer.email, 2) } });
      const clientId = await connectLiveSession(t, customer.customer);
      const operator = await t.addOperator();
      await c.consoleLogin(lang, operator);

      await page.goto(`${origin}/console/customers/${customer.loginId}${q}`);
      assert.match(await page.locator("#connected-services-table").innerText(), new RegExp(`${SERVICE_NAME}[\\s\\S]*${clientId}`, "u"));
      const card = page.locator("#action-revoke-connection");
      await c.look(`console-connected-services-${lang}`);
      await card.getByLabel(lang === "ja" ? "理由（必須）" : "Reason (required)").fill("ご本人からの電話（スマートフォン紛失）");
      await Promise.all([page.waitForURL(/done=connection-revoked/u), card.getByRole("button").click()]);
      assert.match(await page.locator("#done").innerText(), lang === "ja" ? /サービスとの連携を解除しました/u : /The connection has ended/u);
      assert.equal(await page.locator("#connected-services-none").count(), 1);
    });
  }
});
