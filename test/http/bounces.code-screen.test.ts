import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { sharedTestService } from "../support/test-service.ts";
import { dsnMessage } from "../support/raw-smtp.ts";
import { sendToListener, sentMailTo } from "../support/bounces.ts";

const HOSTILE_DIAGNOSTIC = "552 5.2.2 Mailbox full; call 03-9999-9999 or visit https://evil.example/reset";

describe("the code screen and the API say that the last code mail came back (issue 22 §1)", () => {
  const t = sharedTestService({ env: { BOUNCE_LISTEN: "127.0.0.1:0" } });

  async function loggedIn(path = "/login") {
    const customer = await t.addCustomer();
    const browser = t.client();
    await browser.post(path, path.startsWith("/api") ? { json: { loginId: customer.loginId, password: customer.password } } : { form: { loginId: customer.loginId, password: customer.password } });
    const sent = await sentMailTo(t, customer.email);
    return { customer, browser, ...sent };
  }

  it("says nothing before a bounce; the API's lastDelivery is sent", async () => {
    const { browser } = await loggedIn();
    const page = await browser.get("/login/mfa");
    assert.equal(page.statusCode, 200);
    assert.doesNotMatch(page.body, /id="last-delivery"/);
    const api = await browser.get("/api/v1/login/mfa");
    assert.equal(api.statusCode, 200);
    assert.equal(api.json().status, "mfa_required");
    assert.deepEqual(api.json().lastDelivery, { state: "sent", reason: null });
  });

  for (const [status, reason, ja, jaDo, en] of [
    ["5.2.2", "mailbox_full", "前回お送りしたメールは、お客さまのメールサーバーから返送されました（メールボックスの容量が一杯です）。", "容量を空けてから、「認証コードを再送信」を押してください。", "The last mail we sent came back from your mail server (your mailbox is full)."],
    ["5.1.1", "no_such_user", "前回お送りしたメールは、お客さまのメールサーバーから返送されました（このメールアドレスは受信側で見つかりませんでした）。", "コールセンターまでご連絡ください。", "(this address was not found there)"],
    ["5.7.1", "refused", "前回お送りしたメールは、お客さまのメールサーバーから返送されました（迷惑メールとして受信を拒否されました）。", "@okb-sec.co.jp からのメールを受信できるように設定してから", "(it was refused as spam)"],
    ["4.4.1", "delayed", "前回お送りしたメールは、お客さまのメールサーバーで配信が遅れています。", "届くまで少しお待ちください。", "The last mail we sent is delayed at your mail server."],
  ] as const) {
    it(`after a ${status} DSN: the sentence (${reason}), what to do, the matching cause, in Japanese and English; the API's lastDelivery`, async () => {
      const { browser, returnPath } = await loggedIn();
      await sendToListener(t, returnPath, dsnMessage({ returnPath, status, diagnostic: HOSTILE_DIAGNOSTIC }));
      const page = await browser.get("/login/mfa");
      assert.equal(page.statusCode, 200);
      assert.ok(page.body.includes(ja), page.body);
      assert.ok(page.body.includes(jaDo));
      const cause = { mailbox_full: "cause-mailbox-full", no_such_user: "cause-wrong-address", refused: "cause-domain", delayed: "cause-late" }[reason];
      assert.ok(page.body.includes(`href="/help/code-not-received#${cause}"`));
      assert.match(page.body, /name="code"/, "the code field stays");
      assert.doesNotMatch(page.body, /evil\.example|03-9999-9999|Mailbox full/, "nothing of the DSN's text");
      const english = await browser.get("/login/mfa?lang=en");
      assert.ok(english.body.includes(en), english.body);
      const help = await t.client().get("/help/code-not-received");
      assert.ok(help.body.includes(`id="${cause}"`), "the cause the link names exists");
      const api = await browser.get("/api/v1/login/mfa");
      assert.deepEqual(api.json().lastDelivery, { state: reason === "delayed" ? "delayed" : "bounced", reason });
    });
  }

  it("still says the previous mail came back after 「認証コードを再送信」, and the new code mail quotes nothing of the DSN", async () => {
    const { customer, browser, returnPath } = await loggedIn();
    await sendToListener(t, returnPath, dsnMessage({ returnPath, status: "5.2.2", diagnostic: HOSTILE_DIAGNOSTIC }));
    await browser.post("/login/mfa/resend", { form: {} });
    const second = await t.mailTo(customer.email, 2);
    assert.doesNotMatch(second.text, /evil\.example|03-9999-9999|Mailbox full/);
    const page = await browser.get("/login/mfa?resent=1");
    assert.ok(page.body.includes("（メールボックスの容量が一杯です）"));
  });

  it("tells it also once the code has ended, and the API answers code_ended with lastDelivery", async () => {
    const { browser, returnPath } = await loggedIn();
    await sendToListener(t, returnPath, dsnMessage({ returnPath, status: "5.1.1" }));
    t.clock.advance(11 * 60_000);
    const page = await browser.get("/login/mfa");
    assert.match(page.body, /id="code-ended"/);
    assert.ok(page.body.includes("このメールアドレスは受信側で見つかりませんでした"));
    const api = await browser.get("/api/v1/login/mfa");
    assert.deepEqual(api.json(), { status: "code_ended", reason: "expired", lastDelivery: { state: "bounced", reason: "no_such_user" } });
  });

  it("answers [4010] to GET /api/v1/login/mfa without a pre-auth cookie", async () => {
    const response = await t.client().get("/api/v1/login/mfa");
    assert.equal(response.statusCode, 401);
    assert.equal(response.json().error.code, "4010");
  });

  it("shows the app's login too: the API login then GET /api/v1/login/mfa", async () => {
    const { browser, returnPath } = await loggedIn("/api/v1/login");
    await sendToListener(t, returnPath, dsnMessage({ returnPath, status: "5.7.1" }));
    const api = await browser.get("/api/v1/login/mfa");
    assert.equal(api.json().status, "mfa_required");
    assert.deepEqual(api.json().lastDelivery, { state: "bounced", reason: "refused" });
  });
});
