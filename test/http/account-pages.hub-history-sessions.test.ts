import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { sharedTestService } from "../support/test-service.ts";
import { pageLogin, visibleText } from "../support/page-login.ts";

/** Issue 11 items 1–3: マイページ as the hub with お知らせ設定, ログイン履歴 and ご利用中の端末 as pages. */
describe("account pages: マイページ (hub, お知らせ設定), /history, /sessions", () => {
  const t = sharedTestService({ env: { RATE_LIMIT_CODE_MAILS_PER_CUSTOMER: "100/60", RATE_LIMIT_PASSWORD_PER_LOGIN_ID: "100/60", LOCKOUT_THRESHOLD: "50" } });

  it("redirects every page and every POST to /login without a session", async () => {
    const anonymous = t.client();
    for (const url of ["/", "/history", "/sessions", "/password", "/freeze", "/?lang=en"]) {
      const response = await anonymous.get(url);
      assert.equal(response.statusCode, 303, url);
      assert.match(String(response.headers.location), /^\/login(\?lang=en)?$/, url);
    }
    for (const url of ["/settings/notices", "/sessions/end-others", "/password/code", "/password", "/freeze"]) {
      const response = await anonymous.post(url, { form: {} });
      assert.equal(response.statusCode, 303, url);
      assert.equal(response.headers.location, "/login", url);
    }
  });

  it("マイページ links to every page and saves お知らせ設定 by POST, as PUT /api/v1/settings/notices does", async () => {
    const customer = await t.addCustomer();
    const browser = await pageLogin(t, customer);
    const page = await browser.get("/");
    assert.equal(page.statusCode, 200);
    for (const href of ["/history", "/sessions", "/password", "/freeze"]) {
      assert.match(page.body, new RegExp(`href="${href}"`), href);
    }
    assert.match(page.body, /id="important-mail">[^<]*\*/, "重要メール masked");
    assert.match(visibleText(page.body), /ログインのたびにお知らせメールを受け取る/);
    assert.match(visibleText(page.body), /これまでご利用のない端末からログインがあった場合は、必ずお知らせメールをお送りします/);
    assert.match(page.body, /id="everyLogin"[^>]* checked/, "on by default");
    const off = await browser.post("/settings/notices", { form: {} });
    assert.equal(off.statusCode, 303);
    assert.equal(off.headers.location, "/?saved=notices#notices");
    assert.equal((await browser.get("/api/v1/settings/notices")).json().everyLogin, false, "an unticked box turns it off");
    const after = await browser.get("/?saved=notices");
    assert.doesNotMatch(after.body, /id="everyLogin"[^>]* checked/);
    assert.match(after.body, /お知らせ設定を保存しました。/);
    const on = await browser.post("/settings/notices?lang=en", { form: { everyLogin: "on" } });
    assert.equal(on.headers.location, "/?lang=en&saved=notices#notices");
    assert.equal((await browser.get("/api/v1/settings/notices")).json().everyLogin, true);
    const refused = await browser.post("/settings/notices", { form: {}, csrf: false });
    assert.equal(refused.statusCode, 403, "the form needs its CSRF token");
  });

  it("/history lists logins and failed attempts newest first, in Japanese words and in English, paged with さらに表示", async () => {
    const customer = await t.addCustomer();
    await t.client().post("/login", { form: { loginId: customer.loginId, password: "not my password" } });
    t.clock.advance(1000);
    const browser = await pageLogin(t, customer);
    const page = await browser.get("/history");
    assert.equal(page.statusCode, 200);
    const text = visibleText(page.body);
    const success = text.indexOf("成功");
    const wrong = text.indexOf("パスワード誤り");
    assert.ok(success > 0 && wrong > success, "the login first, the failed attempt after it");
    assert.match(text, /パスワード＋認証コード/);
    assert.match(text, /203\.0\.113\.10/);
    assert.match(text, /Chrome 120 \/ Windows 10/);
    assert.doesNotMatch(page.body, /id="history-more"/, "one page only");
    const english = visibleText((await browser.get("/history?lang=en")).body);
    assert.match(english, /Wrong password/);
    assert.match(english, /Success/);
    // 25 more attempts: a second page behind 「さらに表示」.
    for (let i = 0; i < 25; i += 1) {
      t.clock.advance(1000);
      await t.client().post("/login", { form: { loginId: customer.loginId, password: `wrong ${i}` } });
    }
    const first = await browser.get("/history");
    const href = /href="(\/history\?before=[^"]+)" id="history-more">さらに表示</.exec(first.body)?.[1];
    assert.ok(href !== undefined, "さらに表示 links to the next page");
    const second = await browser.get(href.replaceAll("&amp;", "&"));
    assert.equal(second.statusCode, 200);
    assert.match(visibleText(second.body), /成功/, "the oldest (the first login) is on the second page");
    assert.equal((await browser.get("/history?before=!!")).statusCode, 400, "a broken cursor is [4000]");
  });

  it("/sessions lists every live session with この端末, ends one and all others (303 back with a confirmation)", async () => {
    const customer = await t.addCustomer();
    const phone = await pageLogin(t, customer, { userAgent: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1", ip: "198.51.100.7" });
    const tablet = await pageLogin(t, customer, { ip: "198.51.100.8" });
    const browser = await pageLogin(t, customer);
    const page = await browser.get("/sessions");
    assert.equal(page.statusCode, 200);
    const text = visibleText(page.body);
    assert.match(text, /この端末/);
    assert.match(text, /198\.51\.100\.7/);
    assert.match(text, /Safari 17 \/ iOS 17/);
    assert.equal((page.body.match(/class="secondary end-session"/g) ?? []).length, 2, "an end button for each other session");
    const phoneId = (await browser.get("/api/v1/sessions")).json().items.find((item: { ip: string }) => item.ip === "198.51.100.7").id as string;
    const ended = await browser.post("/sessions/end", { form: { id: phoneId } });
    assert.equal(ended.statusCode, 303);
    assert.equal(ended.headers.location, "/sessions?done=one");
    assert.match((await browser.get("/sessions?done=one")).body, /選択した端末をログアウトしました。/);
    assert.equal((await phone.get("/")).statusCode, 303, "the phone is logged out");
    assert.equal((await tablet.get("/")).statusCode, 200);
    const unknown = await browser.post("/sessions/end", { form: { id: "no-such-session" } });
    assert.equal(unknown.statusCode, 404);
    assert.match(unknown.body, /\[4040\]/);
    const others = await browser.post("/sessions/end-others?lang=en", { form: {} });
    assert.equal(others.headers.location, "/sessions?lang=en&done=others");
    assert.match((await browser.get("/sessions?lang=en&done=others")).body, /All other devices have been logged out\./);
    assert.equal((await tablet.get("/")).statusCode, 303, "the tablet is logged out");
    assert.equal((await browser.get("/")).statusCode, 200, "this one goes on");
    assert.match((await browser.get("/sessions")).body, /ほかにログインしている端末はありません。/);
  });

  it("ending this device's own session from the list logs it out", async () => {
    const customer = await t.addCustomer();
    const browser = await pageLogin(t, customer);
    const own = (await browser.get("/api/v1/sessions")).json().items[0].id as string;
    await browser.get("/sessions");
    const response = await browser.post("/sessions/end", { form: { id: own } });
    assert.equal(response.headers.location, "/login?loggedOut=1");
    assert.equal((await browser.get("/")).statusCode, 303);
  });
});
