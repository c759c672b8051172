import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { sharedTestService } from "../support/test-service.ts";
import { visibleText } from "../support/page-login.ts";
import { authenticatorFor, loggedIn, passkeyLogin, registerPasskey } from "../support/passkeys.ts";

/** The part of `html` from the element with `id` to the end of its section. */
function section(html: string, id: string): string {
  return new RegExp(`<section class="qa" aria-labelledby="${id}">([\\s\\S]*?)</section>`).exec(html)?.[1] ?? "";
}

/**
 * Issue 21 item 7: help points to the customer's own tools. Q9 names ログイン履歴, ご利用中の
 *端末 and 口座の凍結 by their menu names (no links); Q3 and the code screen name the sixth
 * cause, a mail that is only late; /help/passkeys and /help/freeze explain passkeys and the
 * freeze, linked from /help, in Japanese and English; a passkey the customer removed is refused
 * with the way in that still works (ID, password and code), not "try again".
 */
describe("help points to the customer's own tools (issue 21 item 7)", () => {
  const t = sharedTestService({ env: { SECURITY_CHANGE_DELAY_HOURS: "24" } });

  it("Q9 names ログイン履歴, ご利用中の端末 and 口座の凍結（ログイン停止） by their menu names, without links to them", async () => {
    const ja = section((await t.client().get("/help")).body, "q9");
    for (const menu of ["「ログイン履歴」", "「ご利用中の端末」", "「口座の凍結（ログイン停止）」"]) {
      assert.ok(visibleText(ja).includes(menu), menu);
    }
    assert.doesNotMatch(ja, /href="\/(?!\/)(?:history|sessions|freeze)/u, "named, not linked");
    const en = section((await t.client().get("/help?lang=en")).body, "q9");
    for (const menu of ["“Login history”", "“Devices logged in”", "“Freeze account (stop logins)”"]) {
      assert.ok(visibleText(en).includes(menu), menu);
    }
  });

  it("Q3, /help/code-not-received and the code screen name a late mail: wait a few minutes, compare the send time", async () => {
    const help = visibleText((await t.client().get("/help")).body);
    assert.match(help, /⑥ メールの到着が遅れている/u);
    assert.match(help, /数分かかることがあります/u);
    assert.match(help, /「送信日時」/u);
    const page = visibleText((await t.client().get("/help/code-not-received")).body);
    assert.match(page, /⑥ メールの到着が遅れている/u);
    const english = visibleText((await t.client().get("/help/code-not-received?lang=en")).body);
    assert.match(english, /6\. It is late/u);
    assert.match(english, /a few minutes/u);

    const customer = await t.addCustomer();
    const browser = t.client();
    await browser.post("/login", { form: { loginId: customer.loginId, password: customer.password } });
    const screen = (await browser.get("/login/mfa")).body;
    const summary = /<section class="card" aria-labelledby="no-mail-title" id="no-mail">([\s\S]*?)<\/section>/.exec(screen)?.[1] ?? "";
    assert.equal((summary.match(/<li>/g) ?? []).length, 6, "the six causes");
    assert.match(summary, /数分かかることがあります/u);
  });

  for (const [path, titleJa, titleEn] of [
    ["/help/passkeys", "パスキーについて", "About passkeys"],
    ["/help/freeze", "口座の凍結（ログイン停止）について", "About freezing your account (stopping logins)"],
  ] as const) {
    it(`${path}: a page of its own in Japanese and English, linked from /help`, async () => {
      const ja = await t.client().get(path);
      assert.equal(ja.statusCode, 200);
      assert.match(ja.body, new RegExp(`<h1>${titleJa}</h1>`, "u"));
      assert.match(ja.body, /<html lang="ja">/u);
      const en = await t.client().get(`${path}?lang=en`);
      assert.equal(en.statusCode, 200);
      assert.match(en.body, new RegExp(`<h1>${titleEn.replace(/[()]/g, "\\$&")}</h1>`, "u"));
      assert.doesNotMatch(visibleText(/<main>([\s\S]*)<\/main>/.exec(en.body)?.[1] ?? ""), /[\u3040-\u30ff]/u, "no Japanese in the English page");
      assert.match(en.body, /href="\/help\?lang=en"/u, "back to all questions, in English");
      assert.match((await t.client().get("/help")).body, new RegExp(`href="${path}"`, "u"));
      assert.match((await t.client().get("/help?lang=en")).body, new RegExp(`href="${path}\\?lang=en"`, "u"));
    });
  }

  it("/help/passkeys: how to register and log in, synced or this device only, パスキー必須 and a lost device, removing", async () => {
    const text = visibleText((await t.client().get("/help/passkeys")).body);
    assert.match(text, /マイページの「パスキー」/u);
    assert.match(text, /「パスキーでログイン」/u);
    assert.match(text, /「複数の端末で同期」/u);
    assert.match(text, /「登録した端末のみ」/u);
    assert.match(text, /2つ以上/u, "a second passkey recommended");
    assert.match(text, /「パスキー必須」/u);
    assert.match(text, /責任者の確認から24時間後/u, "SECURITY_CHANGE_DELAY_HOURS");
    assert.match(text, /削除したパスキーではログインできません/u);
  });

  it("/help/freeze: when, how, what it does, how to reopen (the call center, a tel: link)", async () => {
    const response = await t.client().get("/help/freeze");
    const text = visibleText(response.body);
    assert.match(text, /マイページの「口座の凍結（ログイン停止）」/u);
    assert.match(text, /すべての端末がログアウト/u);
    assert.match(text, /正しいパスワードと認証コード/u);
    assert.match(text, /ご本人確認のうえ/u);
    assert.match(response.body, /href="tel:0120483744"/u);
  });

  it("a passkey the customer removed is refused with the way in that still works, not \"try again\" ([5161])", async () => {
    const customer = await t.addCustomer();
    const browser = await loggedIn(t, customer);
    const authenticator = authenticatorFor(t);
    const id = await registerPasskey(t, customer, browser, authenticator);
    assert.equal((await browser.delete(`/api/v1/passkeys/${id}`)).statusCode, 200);

    const { response } = await passkeyLogin(t, authenticator);
    const error = response.json().error;
    assert.equal(error.code, "5161");
    assert.match(error.message, /このパスキーは登録されていないか、削除されています。/u);
    assert.match(error.message, /ログインIDとパスワード、メールでお送りする認証コード/u);
    assert.doesNotMatch(error.message, /もう一度お試しください/u);

    const english = t.client();
    const options = (await english.post("/api/v1/login/passkey/options?lang=en", { json: {} })).json().options;
    const answered = (await english.post("/api/v1/login/passkey?lang=en", { json: { response: authenticator.assert(options) } })).json().error;
    assert.equal(answered.code, "5161");
    assert.match(answered.message, /login ID, password and the code we email you/u);
    assert.doesNotMatch(answered.message, /try again/u);
  });
});
