import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { hash, verify } from "@node-rs/argon2";
import { sharedTestService } from "../support/test-service.ts";
import type { TestCustomer } from "../support/test-service.ts";
import type { WebClient } from "../support/web-client.ts";
import { pageLogin, visibleText } from "../support/page-login.ts";
import { fullWidth, wrongCodeFor } from "../support/codes.ts";

const CODE_SUBJECT = "【OKB証券】認証コードのお知らせ";
const CHANGED = "【OKB証券】取引暗証番号変更のお知らせ";
const PIN = "2580";

/** The trading PIN's pages (issue 13 §4): /trading-pin for the customer, the state and the unlock form on the console's customer page. */
describe("trading PIN pages: /trading-pin and the console's customer page", () => {
  const t = sharedTestService({ env: { RATE_LIMIT_CODE_MAILS_PER_CUSTOMER: "100/60" } });

  async function withPin(loginId?: string): Promise<TestCustomer> {
    const customer = await t.addCustomer(loginId === undefined ? {} : { loginId, email: `${loginId}@example.co.jp` });
    await t.stores().tradingPins.set(customer.customer.id, await hash(PIN), t.clock.now());
    return customer;
  }

  /** Presses 「認証コードを送信」 and reads the code from the mail. */
  async function sendCode(customer: TestCustomer, browser: WebClient, path = "/trading-pin/code"): Promise<{ code: string; body: string; status: number }> {
    const n = t.smtp.mails.filter((mail) => mail.to === customer.email && mail.subject === CODE_SUBJECT).length + 1;
    const response = await browser.post(path, { form: {} });
    const mail = await t.mailTo(customer.email, n, CODE_SUBJECT);
    return { code: /認証コード: (\d{6})/.exec(mail.text)?.[1] ?? "", body: response.body, status: response.statusCode };
  }

  it("マイページ links to it; step 1 shows the rules and the send button; step 2 the masked address, the time and PIN fields that do not autofill a password", async () => {
    const customer = await withPin();
    const browser = await pageLogin(t, customer);
    assert.match((await browser.get("/")).body, /<a href="\/trading-pin" id="link-trading-pin">取引暗証番号の変更<\/a>/);
    const first = await browser.get("/trading-pin");
    assert.equal(first.statusCode, 200);
    const text = visibleText(first.body);
    assert.match(text, /4〜8桁の数字（全角の数字も入力できます）/);
    assert.match(text, /同じ数字だけのもの（1111など）、連続した数字（1234、9876など）、現在と同じものは設定できません。/);
    assert.match(text, /5回続けて誤った取引暗証番号を入力すると、取引暗証番号がロックされます。/);
    assert.match(first.body, /id="send-code">認証コードを送信</);
    assert.doesNotMatch(first.body, /name="newPin"/);
    const { body, status } = await sendCode(customer, browser);
    assert.equal(status, 200);
    assert.match(body, /id="masked-email">[^<]*\*+[^<]*@example\.co\.jp</);
    assert.match(body, /id="sent-at">\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}</);
    assert.match(body, /name="currentPin" type="password" inputmode="numeric" autocomplete="off"/);
    assert.match(body, /name="newPin" type="password" inputmode="numeric" autocomplete="off"/);
    assert.match(body, /name="code" type="text" inputmode="numeric" autocomplete="one-time-code"/);
    const english = visibleText((await browser.get("/trading-pin?lang=en")).body);
    assert.match(english, /Change trading PIN/);
    assert.match(english, /4 to 8 digits \(full-width digits are fine\)/);
  });

  it("changes the PIN (full-width digits typed with the IME), redirects to a confirmation, mails the notice; refusals show their [code] at the field", async () => {
    const customer = await withPin();
    const browser = await pageLogin(t, customer);
    const { code } = await sendCode(customer, browser);
    const weak = await browser.post("/trading-pin", { form: { currentPin: PIN, newPin: "1234", newPinConfirm: "1234", code } });
    assert.equal(weak.statusCode, 422);
    assert.match(visibleText(weak.body), /\[5144\] 新しい取引暗証番号を設定できません。連続した数字の取引暗証番号（1234、9876など）は設定できません。/);
    assert.match(weak.body, /id="newPin"[^>]*aria-invalid="true"/);
    const wrong = await browser.post("/trading-pin", { form: { currentPin: "1470", newPin: "8520", newPinConfirm: "8520", code } });
    assert.equal(wrong.statusCode, 401);
    assert.match(wrong.body, /\[5142\] 取引暗証番号が正しくありません。/);
    assert.match(wrong.body, /id="currentPin"[^>]*aria-invalid="true"/);
    const wrongCode = await browser.post("/trading-pin?lang=en", { form: { currentPin: PIN, newPin: "8520", newPinConfirm: "8520", code: wrongCodeFor(code) } });
    assert.match(wrongCode.body, /\[5121\] The authentication code is incorrect\./);
    assert.match(wrongCode.body, /id="code"[^>]*aria-invalid="true"/);
    const done = await browser.post("/trading-pin", { form: { currentPin: fullWidth(PIN), newPin: fullWidth("8520"), newPinConfirm: fullWidth("8520"), code } });
    assert.equal(done.statusCode, 303);
    assert.equal(done.headers.location, "/trading-pin?changed=1");
    assert.match(visibleText((await browser.get("/trading-pin?changed=1")).body), /取引暗証番号を変更しました。/);
    assert.equal(await verify((await t.stores().tradingPins.find(customer.customer.id))?.pinHash ?? "", "8520"), true);
    assert.match((await t.mailTo(customer.email, 1, CHANGED)).text, /お客さまの取引暗証番号が変更されました。/);
    const forged = await browser.post("/trading-pin", { form: { currentPin: "8520", newPin: "9630", newPinConfirm: "9630", code }, csrf: false });
    assert.equal(forged.statusCode, 403, "the CSRF token is required as on every form");
  });

  it("a locked PIN, or none: the page says whom to call instead of showing the form; no session goes to the login page", async () => {
    const locked = await withPin();
    for (let i = 0; i < 5; i += 1) {
      await t.stores().tradingPins.recordFailure(locked.customer.id, 5, t.clock.now());
    }
    const browser = await pageLogin(t, locked);
    const page = await browser.get("/trading-pin");
    assert.match(visibleText(page.body), /取引暗証番号がロックされています。ロックの解除は、コールセンター（0120-\d+）までご連絡ください。/);
    assert.match(visibleText(page.body), /ロック中もログインや口座の照会はご利用いただけます。/);
    assert.doesNotMatch(page.body, /id="send-code"/);
    const none = await t.addCustomer();
    const noneBrowser = await pageLogin(t, none);
    const nonePage = await noneBrowser.get("/trading-pin");
    assert.match(visibleText(nonePage.body), /取引暗証番号が登録されていません。/);
    assert.doesNotMatch(nonePage.body, /id="send-code"/);
    const anonymous = await t.client().get("/trading-pin");
    assert.equal(anonymous.statusCode, 303);
    assert.equal(anonymous.headers.location, "/login");
  });

  it("the console's customer page shows the PIN's state, and its form lifts a lock (PRG, audited); not locked: no form", async () => {
    const customer = await withPin("page-pin-lock");
    const { client, operatorId } = await t.consoleClient({ role: "agent" });
    const before = await client.get("/console/customers/page-pin-lock");
    assert.match(before.body, /id="status-trading-pin">[\s\S]*?登録済み（ロックなし）/);
    assert.match(visibleText(before.body), /取引暗証番号はロックされていません。/);
    assert.doesNotMatch(before.body, /action="\/console\/customers\/page-pin-lock\/trading-pin-unlock"/);
    for (let i = 0; i < 5; i += 1) {
      await t.stores().tradingPins.recordFailure(customer.customer.id, 5, t.clock.now());
    }
    const locked = await client.get("/console/customers/page-pin-lock");
    assert.match(locked.body, /id="status-trading-pin">[\s\S]*?ロック中（\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}から）/);
    assert.match(locked.body, /action="\/console\/customers\/page-pin-lock\/trading-pin-unlock"/);
    const blank = await client.post("/console/customers/page-pin-lock/trading-pin-unlock", { form: { reason: " " } });
    assert.equal(blank.statusCode, 400);
    assert.match(blank.body, /id="action-trading-pin-unlock"[\s\S]*?\[4000\]/);
    const done = await client.post("/console/customers/page-pin-lock/trading-pin-unlock", { form: { reason: "電話で本人確認のうえ" } });
    assert.equal(done.statusCode, 303);
    assert.equal(done.headers.location, "/console/customers/page-pin-lock?done=trading-pin-unlock");
    assert.match(visibleText((await client.get(done.headers.location)).body), /取引暗証番号のロックを解除しました。お客さまに通知メールを送りました。/);
    assert.equal((await t.stores().tradingPins.find(customer.customer.id))?.lockedAt, null);
    const event = (await t.auditEvents(customer.customer.id)).find((item) => item.event === "trading_pin.unlocked");
    assert.equal(event?.actor, operatorId);
    assert.equal(event?.detail.reason, "電話で本人確認のうえ");
    const none = await t.addCustomer({ loginId: "page-pin-none", email: "page-pin-none@example.co.jp" });
    assert.ok(none);
    assert.match((await client.get("/console/customers/page-pin-none")).body, /id="status-trading-pin">[\s\S]*?未登録/);
  });
});
