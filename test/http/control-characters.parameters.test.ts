import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { sharedTestService } from "../support/test-service.ts";
import type { TestService } from "../support/test-service.ts";
import type { WebClient } from "../support/web-client.ts";
import { serviceDatabases } from "../support/backends.ts";

// Issue 17 item 13: `/console/api/v1/customers/%00` answered 500 on PostgreSQL (NUL in a text parameter).
// Every path and query parameter of every route is checked once (src/web/parameter-check.ts): [4000], never 500.

/** Control characters as a URL carries them: NUL, the rest of C0, DEL, and C1 (U+0085 NEL, U+009B CSI). */
const CONTROLS = ["%00", "%01", "%09", "%0A", "%0D", "%1B", "%1F", "%7F", "%C2%85", "%C2%9B"];

type Who = "customer" | "operator";
interface RouteCase {
  method: "GET" | "POST" | "PATCH" | "DELETE";
  /** `X` stands for the control character. */
  url: string;
  who: Who;
  json?: Record<string, unknown>;
  form?: Record<string, string>;
}

const ROUTES: RouteCase[] = [
  // The console's JSON API (a supervisor logged in, so the request would reach the database).
  { method: "GET", url: "/console/api/v1/customers/X", who: "operator" },
  { method: "GET", url: "/console/api/v1/customers/abcX", who: "operator" },
  { method: "GET", url: "/console/api/v1/customers?q=X", who: "operator" },
  { method: "GET", url: "/console/api/v1/audit?loginId=X", who: "operator" },
  { method: "GET", url: "/console/api/v1/mfa-off-requests?state=X", who: "operator" },
  { method: "POST", url: "/console/api/v1/customers/X/unlock", who: "operator", json: { reason: "本人確認済み、ロック解除のご依頼" } },
  { method: "POST", url: "/console/api/v1/customers/X/mfa-off-requests", who: "operator", json: { reason: "本人確認済み、スマートフォン紛失", identityChecked: true } },
  { method: "POST", url: "/console/api/v1/mfa-off-requests/X/approve", who: "operator", json: { reason: "確認しました" } },
  { method: "POST", url: "/console/api/v1/customers/X/trading-pin-unlock", who: "operator", json: { reason: "本人確認済み" } },
  // The console's pages (HTML: the console's error page).
  { method: "GET", url: "/console/customers/X", who: "operator" },
  { method: "GET", url: "/console?q=X", who: "operator" },
  { method: "GET", url: "/console/audit?loginId=X", who: "operator" },
  { method: "POST", url: "/console/customers/X/unlock", who: "operator", form: { reason: "本人確認済み" } },
  { method: "POST", url: "/console/mfa-off-requests/X/approve", who: "operator", form: { reason: "確認しました" } },
  // The customer's JSON API and pages.
  { method: "DELETE", url: "/api/v1/sessions/X", who: "customer" },
  { method: "PATCH", url: "/api/v1/passkeys/X", who: "customer", json: { name: "仕事用" } },
  { method: "DELETE", url: "/api/v1/passkeys/X", who: "customer" },
  { method: "POST", url: "/api/v1/confirmations/X", who: "customer", json: { pin: "4826" } },
  { method: "GET", url: "/api/v1/login-history?before=X", who: "customer" },
  { method: "GET", url: "/history?before=X", who: "customer" },
  { method: "GET", url: "/login?lang=X", who: "customer" },
  { method: "GET", url: "/login?X=1", who: "customer" },
];

function suite(t: TestService): void {
  const clients = {} as Record<Who, WebClient>;
  before(async () => {
    clients.operator = (await t.consoleClient({ role: "supervisor" })).client;
    // The console's own CSRF token, for its form posts.
    await clients.operator.get("/console");
    const customer = await t.addCustomer();
    const browser = t.client();
    await browser.post("/login", { form: { loginId: customer.loginId, password: customer.password } });
    await browser.post("/login/mfa", { form: { code: await t.codeFor(customer.email) } });
    assert.equal((await browser.get("/api/v1/session")).statusCode, 200, "setup: the customer is logged in");
    clients.customer = browser;
  });

  it(`answers [4000] with status 400 to ${ROUTES.length} routes × ${CONTROLS.length} control characters, never 500`, async () => {
    const wrong: string[] = [];
    for (const route of ROUTES) {
      for (const control of CONTROLS) {
        const url = route.url.replace("X", control);
        const response = await clients[route.who].request(route.method, url, { json: route.json, form: route.form });
        const html = String(response.headers["content-type"]).startsWith("text/html");
        const shown = html ? /\[(\d{4})\]/.exec(response.body)?.[1] : (response.json() as { error?: { code?: string } }).error?.code;
        if (response.statusCode !== 400 || shown !== "4000") {
          wrong.push(`${route.method} ${url}: ${response.statusCode} ${shown ?? response.body.slice(0, 80)}`);
        }
      }
    }
    assert.deepEqual(wrong, []);
  });

  it("still answers the same routes without a control character (the check refuses only what it must)", async () => {
    const page = await clients.operator.get("/console/api/v1/customers?q=%E5%B1%B1%E7%94%B0");
    assert.equal(page.statusCode, 200);
    assert.equal((await clients.operator.get("/console/api/v1/customers/nobody-here")).statusCode, 404);
    assert.equal((await clients.customer.get("/api/v1/login-history")).statusCode, 200);
    assert.equal((await clients.customer.get("/login?lang=en")).statusCode, 200);
  });
}

const BACKENDS = serviceDatabases();

for (const backend of BACKENDS) {
  describe(`control characters in path and query parameters (${backend.name})`, () => {
    const t = sharedTestService(async () => ({ env: await backend.env() }));
    // After the service's close (hooks run in the order registered).
    after(async () => {
      await backend.dropSchemas();
    });
    suite(t);
  });
}
