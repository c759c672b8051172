import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import * as oidc from "openid-client";
import { decodeJwt } from "jose";
import { sharedTestService } from "../support/test-service.ts";
import type { TestCustomer } from "../support/test-service.ts";
import type { WebClient } from "../support/web-client.ts";
import { freePort } from "../support/page-checks.ts";
import { nextCodeMail, visibleText } from "../support/page-login.ts";
import { discoverAs, follow, redeem, startAuthorization } from "../support/oidc-relying-party.ts";
import type { Started } from "../support/oidc-relying-party.ts";

const REDIRECT = "https://trade.okb-sec.example/callback";
const SERVICE_NAME = "OKB取引サイト";

/** A relying party's back-channel endpoint that keeps the logout tokens it receives (signed JWTs), decoded. */
function backChannel(): { url: Promise<string>; received: Record<string, unknown>[]; close(): Promise<void> } {
  const received: Record<string, unknown>[] = [];
  const server = createServer((request, response) => {
    let body = "";
    request.setEncoding("utf8");
    request.on("data", (chunk: string) => (body += chunk));
    request.on("end", () => {
      received.push(decodeJwt(new URLSearchParams(body).get("logout_token") ?? ""));
      response.writeHead(200, { "cache-control": "no-store" }).end();
    });
  });
  const url = new Promise<string>((resolve) => server.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/backchannel`)));
  return { url, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

// Issue 20 item 8, the customer's side, through the real flow: a trading site logs the customer in
// through okb-login (openid-client from discovery), ご利用中の端末 lists it under 「連携中のサービス」, and
// 「連携を解除する」 ends it: its access token is [4010] on the JSON API, its refresh token refused, it
// hears of it by back-channel logout, and the customer's own session goes on. ログイン履歴 names it.
describe("「連携中のサービス」: the customer sees the services a login was given to and ends one", () => {
  const t = sharedTestService(async () => {
    const port = await freePort();
    return { realTimeClock: true, env: { PUBLIC_URL: `http://localhost:${port}`, PORT: String(port), RATE_LIMIT_CODE_MAILS_PER_CUSTOMER: "100/60" } };
  });
  const endpoint = backChannel();
  after(() => endpoint.close());
  const listening = async (): Promise<void> => {
    if (!t.service.app.server.listening) {
      await t.service.app.listen({ host: "127.0.0.1", port: Number(new URL(t.config.publicUrl).port) });
    }
  };

  /** The customer logs in at the trading site through our pages; the site redeems the code (with a refresh token and an API access token). */
  async function connect(customer: TestCustomer, browser: WebClient, config: oidc.Configuration, options: { loggedIn: boolean }): Promise<{ tokens: oidc.TokenEndpointResponse; started: Started }> {
    const started = await startAuthorization(config, REDIRECT, { scope: "openid profile offline_access okb.api", prompt: "consent" });
    let back = await follow(t, browser, started.url.href, REDIRECT);
    if (!options.loggedIn) {
      assert.ok("page" in back && back.page === "/login", "our login page");
      const n = nextCodeMail(t, customer);
      await browser.post("/login", { form: { loginId: customer.loginId, password: customer.password } });
      assert.equal((await browser.post("/login/mfa", { form: { code: await t.codeFor(customer.email, n) } })).headers.location, "/");
      back = await follow(t, browser, "/", REDIRECT);
    }
    assert.ok("callback" in back, `back to the trading site: ${JSON.stringify(back)}`);
    return { tokens: await redeem(config, back.callback, started), started };
  }

  const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

  it("lists the service on /sessions and in GET /api/v1/connections; 「連携を解除する」 ends its tokens, tells it, audits, and leaves the customer logged in", async () => {
    await listening();
    const customer = await t.addCustomer();
    const registered = await t.addClient({ redirectUris: [REDIRECT], name: SERVICE_NAME, backchannelLogoutUri: await endpoint.url });
    const clientId = registered.client.clientId;
    const config = await discoverAs(t, registered);
    const browser = t.client();
    const { tokens } = await connect(customer, browser, config, { loggedIn: false });
    assert.equal(typeof tokens.refresh_token, "string", "offline_access: a refresh token");
    assert.equal((await browser.get("/api/v1/session", bearer(tokens.access_token))).statusCode, 200, "the access token works on the JSON API");

    const listed = await browser.get("/api/v1/connections");
    assert.equal(listed.statusCode, 200);
    const [line] = listed.json().items as Record<string, string>[];
    assert.equal(listed.json().items.length, 1);
    assert.equal(line?.["clientId"], clientId);
    assert.equal(line?.["clientName"], SERVICE_NAME);
    assert.match(String(line?.["since"]), /\+09:00$/u, "in Japan time");
    assert.match(String(line?.["lastUsedAt"]), /\+09:00$/u);

    const page = await browser.get("/sessions");
    assert.equal(page.statusCode, 200);
    const text = visibleText(page.body);
    assert.match(text, /連携中のサービス[\s\S]*OKB取引サイト[\s\S]*連携開始日時[\s\S]*最終利用日時[\s\S]*連携を解除する/u);
    assert.match(page.body, new RegExp(`<input type="hidden" name="clientId" value="${clientId}">`, "u"));
    const english = visibleText((await browser.get("/sessions?lang=en")).body);
    assert.match(english, /Connected services[\s\S]*OKB取引サイト[\s\S]*Connected since[\s\S]*End connection/u);

    const ended = await browser.post("/sessions/services/end", { form: { clientId } });
    assert.equal(ended.statusCode, 303);
    assert.equal(ended.headers.location, "/sessions?done=service");
    const after = visibleText((await browser.get("/sessions?done=service")).body);
    assert.match(after, /選択したサービスとの連携を解除しました。/u);
    assert.match(after, /連携中のサービスはありません。/u);
    assert.deepEqual((await browser.get("/api/v1/connections")).json(), { items: [] });

    const refused = await browser.get("/api/v1/session", bearer(tokens.access_token));
    assert.equal(refused.statusCode, 401, "the access token no longer works");
    assert.equal(refused.json().error.code, "4010");
    await assert.rejects(oidc.refreshTokenGrant(config, String(tokens.refresh_token)), (error: { error?: string }) => error.error === "invalid_grant", "nor the refresh token");
    assert.equal((await browser.get("/api/v1/session")).statusCode, 200, "the customer's own session goes on");

    const audited = (await t.auditEvents(customer.customer.id)).filter((event) => event.event === "oidc.connection_ended");
    assert.equal(audited.length, 1);
    assert.equal(audited[0]?.actor, "customer");
    assert.deepEqual(audited[0]?.detail, { clientId, clientName: SERVICE_NAME, connections: 1, endedBy: "customer" });

    // The back-channel logout reaches the trading site within 10 s (the worker polls every 2 s).
    const deadline = Date.now() + 10_000;
    while (!endpoint.received.some((claims) => claims["sub"] === customer.customer.id) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const logout = endpoint.received.find((claims) => claims["sub"] === customer.customer.id);
    assert.ok(logout !== undefined, "a logout token for the customer");
    assert.equal(logout["aud"], clientId);
    assert.equal(typeof logout["sid"], "string");
  });

  it("ログイン履歴 shows, beside the login made for the trading site, the service's name (page and JSON); a login on our own pages shows none", async () => {
    await listening();
    const customer = await t.addCustomer();
    const registered = await t.addClient({ redirectUris: [REDIRECT], name: SERVICE_NAME });
    const config = await discoverAs(t, registered);
    await connect(customer, t.client(), config, { loggedIn: false });
    // A second login, on our own pages only (a second later: the test clock moves only when told).
    t.clock.advance(1000);
    const own = t.client();
    const n = nextCodeMail(t, customer);
    await own.post("/login", { form: { loginId: customer.loginId, password: customer.password } });
    await own.post("/login/mfa", { form: { code: await t.codeFor(customer.email, n) } });

    const history = await own.get("/api/v1/login-history");
    const items = history.json().items as { outcome: string; services: unknown[] }[];
    assert.deepEqual(
      items.map((item) => [item.outcome, item.services]),
      [
        ["success", []],
        ["success", [{ clientId: registered.client.clientId, clientName: SERVICE_NAME }]],
      ],
    );
    const page = visibleText((await own.get("/history")).body);
    assert.equal(page.match(/ログイン先/gu)?.length, 1, "only the login made for the service says so");
    assert.match(page, /ログイン先\s*OKB取引サイト/u);
    assert.match(visibleText((await own.get("/history?lang=en")).body), /Logged in to\s*OKB取引サイト/u);
    const connected = (await t.auditEvents(customer.customer.id)).filter((event) => event.event === "oidc.connected");
    assert.equal(connected.length, 1);
    assert.deepEqual(Object.keys(connected[0]?.detail ?? {}).sort(), ["clientId", "clientName", "sessionId"]);
  });

  it("the JSON API ends one too (POST /api/v1/connections/end), with the app's own access token; not connected, unknown or malformed: refused, nothing changed", async () => {
    await listening();
    const customer = await t.addCustomer();
    const registered = await t.addClient({ redirectUris: [REDIRECT], name: SERVICE_NAME });
    const other = await t.addClient({ redirectUris: [REDIRECT], name: "OKBアプリ" });
    const browser = t.client();
    const first = await connect(customer, browser, await discoverAs(t, registered), { loggedIn: false });
    // Single sign-on: the second service needs no new login.
    const second = await connect(customer, browser, await discoverAs(t, other), { loggedIn: true });
    assert.equal(((await browser.get("/api/v1/connections")).json().items as unknown[]).length, 2);

    for (const clientId of ["no-such-client", "NO-SUCH"]) {
      const unknown = await browser.post("/api/v1/connections/end", { json: { clientId } });
      assert.equal(unknown.statusCode, 400, clientId);
      assert.equal(unknown.json().error.code, "4000");
      assert.equal(unknown.json().error.reason, "not_connected");
      assert.equal(unknown.json().error.message, "このサービスとは連携していません。すでに連携が解除されている可能性があります。");
    }
    for (const body of [{}, { clientId: "" }, { clientId: "a/b" }, { clientId: "x".repeat(65) }, { clientId: 7 }]) {
      const malformed = await browser.post("/api/v1/connections/end", { json: body });
      assert.equal(malformed.statusCode, 400, JSON.stringify(body));
      assert.equal(malformed.json().error.code, "4000");
      assert.equal(malformed.json().error.reason, undefined);
    }
    assert.equal(((await browser.get("/api/v1/connections")).json().items as unknown[]).length, 2, "nothing ended");
    assert.equal((await browser.get("/api/v1/session", bearer(first.tokens.access_token))).statusCode, 200);

    // The app ends the trading site's connection with its own access token.
    const ended = await browser.post("/api/v1/connections/end", { json: { clientId: registered.client.clientId }, ...bearer(second.tokens.access_token) });
    assert.equal(ended.statusCode, 200, ended.body);
    assert.deepEqual(ended.json(), { status: "ok", ended: 1 });
    assert.equal((await browser.get("/api/v1/session", bearer(first.tokens.access_token))).statusCode, 401);
    assert.equal((await browser.get("/api/v1/session", bearer(second.tokens.access_token))).statusCode, 200, "the other service goes on");
    assert.deepEqual(((await browser.get("/api/v1/connections")).json().items as { clientName: string }[]).map((item) => item.clientName), ["OKBアプリ"]);

    const again = await browser.post("/api/v1/connections/end", { json: { clientId: registered.client.clientId } });
    assert.equal(again.statusCode, 400);
    assert.equal(again.json().error.reason, "not_connected");
    assert.equal((await t.auditEvents(customer.customer.id)).filter((event) => event.event === "oidc.connection_ended").length, 1, "a refusal is not an end");
  });

  it("the page shows a refusal above the services, with its code, and changes nothing; without a session it goes to /login; a stale CSRF token is [4030]", async () => {
    await listening();
    const customer = await t.addCustomer();
    const registered = await t.addClient({ redirectUris: [REDIRECT], name: SERVICE_NAME });
    const browser = t.client();
    await connect(customer, browser, await discoverAs(t, registered), { loggedIn: false });
    await browser.get("/sessions");
    const refused = await browser.post("/sessions/services/end", { form: { clientId: "gone-client" } });
    assert.equal(refused.statusCode, 400);
    assert.match(visibleText(refused.body), /\[4000\] このサービスとは連携していません。[\s\S]*OKB取引サイト/u);
    const malformed = await browser.post("/sessions/services/end", { form: { clientId: "../x" } });
    assert.equal(malformed.statusCode, 400);
    assert.match(visibleText(malformed.body), /\[4000\] 入力内容に誤りがあります。/u);
    const english = await browser.post("/sessions/services/end?lang=en", { form: { clientId: "gone-client" } });
    assert.match(visibleText(english.body), /\[4000\] This service is not connected to your account\./u);
    const noToken = await browser.post("/sessions/services/end", { form: { clientId: registered.client.clientId }, csrf: false });
    assert.equal(noToken.statusCode, 403);
    assert.equal(((await browser.get("/api/v1/connections")).json().items as unknown[]).length, 1, "nothing ended");

    const stranger = t.client();
    const anonymous = await stranger.post("/sessions/services/end", { form: { clientId: registered.client.clientId } });
    assert.equal(anonymous.statusCode, 303);
    assert.match(String(anonymous.headers.location), /^\/login/u);
    assert.equal((await stranger.get("/api/v1/connections")).statusCode, 401);
  });
});
