import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { sharedTestService } from "../support/test-service.ts";

/** Every tag taken out, entities of the escaped text put back: what a reader sees. */
function visibleText(html: string): string {
  return html
    .replace(/<[^>]+>/g, "")
    .replaceAll("&quot;", '"')
    .replaceAll("&#39;", "'")
    .replaceAll("&amp;", "&");
}

/**
 * Issue 11, item d: the code screen's help line named two of the seed's five causes of a
 * missing code (Q3). Now /help/code-not-received explains all five and /help carries the
 * seed's Q&A (Q1–Q11), in Japanese and English, linked from the login page and the code
 * screen; the code screen itself lists the five causes, says that only the newest code
 * works (Q6) and to match the mail by its send time.
 */
describe("help pages: /help (seed Q1–Q11) and /help/code-not-received (seed Q3's five causes)", () => {
  // A mail domain other than the default, to see that the pages say the configured one.
  const t = sharedTestService({ env: { MAIL_DOMAIN: "mail.okb-test.example", OTP_TTL_SECONDS: "900" } });

  it("/help/code-not-received names all five causes of seed Q3, the configured domain and the call center as a tel: link", async () => {
    const response = await t.client().get("/help/code-not-received");
    assert.equal(response.statusCode, 200);
    const text = visibleText(response.body);
    assert.match(response.body, /<h1>認証コードが届かない場合<\/h1>/);
    assert.match(text, /① 他のメールアドレスに届いている/);
    assert.match(text, /思いあたる別の受信フォルダもご確認ください。/);
    assert.match(text, /② 迷惑メールに振り分けられている/);
    assert.match(text, /③ 迷惑メール対策の設定などにより、メールが届いていない/);
    assert.match(text, /ドメイン名：@mail\.okb-test\.example/);
    assert.doesNotMatch(text, /okb-sec\.co\.jp/, "the configured MAIL_DOMAIN, not the default");
    assert.match(text, /④ OKB証券にご登録のメールアドレスが相違している/);
    assert.match(text, /お手数ですが、OKB証券コールセンターまでご連絡ください。/);
    const contact = /<li id="cause-wrong-address">[\s\S]*?<p class="contact">([\s\S]*?)<\/p>/.exec(response.body)?.[1] ?? "";
    assert.match(contact, /^OKB証券コールセンター<br>フリーダイヤル <a class="tel" href="tel:0120483744">0120-483744<\/a><br>受付時間 平日 9:00～17:00（土・日・祝日、年末年始を除く）$/);
    assert.match(text, /⑤ ご利用のメールサーバーの容量が一杯になっている/);
    assert.match(text, /プロバイダやメールサービスの提供元にお問い合わせください。/);
    assert.match(text, /有効時間はメール送信から15分間です。/, "OTP_TTL_SECONDS, not a fixed 10 minutes");
    assert.match(response.body, /href="\/help"/);
    assert.match(response.body, /href="\/login"/);
  });

  it("/help/code-not-received?lang=en says the same in English and keeps English in its links", async () => {
    const response = await t.client().get("/help/code-not-received?lang=en");
    assert.equal(response.statusCode, 200);
    const text = visibleText(response.body);
    assert.match(response.body, /<html lang="en">/);
    assert.match(response.body, /<h1>If the authentication code does not arrive<\/h1>/);
    for (const cause of [/1\. It went to another mail address/, /2\. It was sorted into the spam folder/, /3\. A spam filter or a mail setting blocked it/, /4\. The address registered with OKB Securities is not the right one/, /5\. Your mailbox is full/]) {
      assert.match(text, cause);
    }
    assert.match(text, /Domain: @mail\.okb-test\.example/);
    assert.match(response.body, /href="tel:0120483744"/);
    assert.match(response.body, /href="\/help\?lang=en"/);
    assert.match(response.body, /href="\/login\?lang=en"/);
  });

  it("/help carries Q1–Q11 of the seed, Q2's why, the login steps and the five causes", async () => {
    const response = await t.client().get("/help");
    assert.equal(response.statusCode, 200);
    const text = visibleText(response.body);
    assert.match(response.body, /<h1>ログイン時多要素認証に関するQ&amp;A<\/h1>/);
    const questions = [
      "Q1. ログイン操作時に「ログイン時多要素認証 入力」という画面が表示されました。",
      "Q2. なぜ「ログイン時多要素認証」を必須化したのですか？",
      "Q3. 認証コードが届きません。",
      "Q4. 「[5121] 認証コードが不正です。」と表示され、ログインできません。",
      "Q5. 認証コードの有効時間を教えてください。",
      "Q6. 認証コードは再発行できますか。",
      "Q7. 多要素認証を不要にすることはできますか？",
      "Q8. 複数のメールアドレスに認証コードを送信できませんか？",
      "Q9. ログイン操作をしていないのに認証コードが届きました。不正アクセスですか？",
      "Q10. 取引する時も認証コードは必要ですか？",
      "Q11. 機種変更しても利用できますか？",
    ];
    for (const [index, question] of questions.entries()) {
      assert.ok(response.body.includes(`<h2 id="q${index + 1}">${question}</h2>`), question);
      assert.ok(response.body.includes(`href="#q${index + 1}"`), `Q${index + 1} in the list of questions`);
    }
    assert.match(text, /証券口座への「不正アクセス」が増加しており/);
    assert.match(text, /他のサービスから流出したパスワード/, "Q2 says why a password alone is not enough");
    for (const cause of ["①", "②", "③", "④", "⑤", "⑥"]) {
      assert.ok(text.includes(`${cause} `), `Q3 cause ${cause}`);
    }
    assert.match(text, /件名：【OKB証券】認証コードのお知らせ/);
    assert.match(text, /認証コードの有効時間は、メール送信から15分間です。/);
    assert.match(text, /前回の認証コードはご利用いただけません/);
    assert.match(text, /認証コードのメールをお送りできるのは、15分間に5回までです。/);
    assert.match(text, /取引暗証番号のみでお取引いただけます。/);
    assert.ok((response.body.match(/href="tel:0120483744"/g) ?? []).length >= 4, "Q3-④, Q7, Q9 and the footer");
    assert.match(response.body, /href="\/help\/code-not-received"/);
  });

  it("/help?lang=en is in English", async () => {
    const response = await t.client().get("/help?lang=en");
    assert.equal(response.statusCode, 200);
    assert.match(response.body, /<h1>Login multi-factor authentication: questions and answers<\/h1>/);
    for (let n = 1; n <= 11; n += 1) {
      assert.match(response.body, new RegExp(`<h2 id="q${n}">Q${n}\\. `));
    }
    assert.match(visibleText(response.body), /With a login ID and password alone, someone else could log in/);
    assert.match(response.body, /href="\/help\/code-not-received\?lang=en"/);
  });

  it("links the login page to /help, and the footer of every page too", async () => {
    const login = await t.client().get("/login");
    assert.match(login.body, /<a href="\/help" id="help-link">ログインでお困りの方へ（よくあるご質問）<\/a>/);
    const english = await t.client().get("/login?lang=en");
    assert.match(english.body, /<a href="\/help\?lang=en" id="help-link">/);
    const notFound = await t.client().get("/no-such-page");
    assert.match(notFound.body, /<footer class="site-footer">\s*<p><a href="\/help">よくあるご質問<\/a><\/p>/);
  });

  it("shows on the code screen the five causes, a link to /help/code-not-received, that only the newest code works and to match the send time", async () => {
    const customer = await t.addCustomer();
    const browser = t.client();
    await browser.post("/login", { form: { loginId: customer.loginId, password: customer.password } });
    const page = await browser.get("/login/mfa");
    assert.equal(page.statusCode, 200);
    const summary = /<section class="card" aria-labelledby="no-mail-title" id="no-mail">([\s\S]*?)<\/section>/.exec(page.body)?.[1] ?? "";
    assert.match(summary, /<h2 id="no-mail-title">認証コードが届かない場合<\/h2>/);
    assert.equal((summary.match(/<li>/g) ?? []).length, 6, "the five causes of seed Q3 and a late mail (issue 21)");
    assert.match(summary, /別のメールアドレス/);
    assert.match(summary, /迷惑メールフォルダ/);
    assert.match(summary, /「@mail\.okb-test\.example」からのメールを受信できる設定/);
    assert.match(summary, /ご登録のメールアドレスが正しいか/);
    assert.match(summary, /メールボックスの容量/);
    assert.match(summary, /<a href="\/help\/code-not-received" id="code-help-link">/);
    assert.match(page.body, /id="newest-only">有効なのは最新のメールに記載された認証コードだけです。/);
    assert.match(page.body, /id="match-sent-at">メール本文の「送信日時」が上の送信日時と同じメールに記載された認証コードを入力してください。/);

    const english = await browser.get("/login/mfa?lang=en");
    assert.match(english.body, /<a href="\/help\/code-not-received\?lang=en" id="code-help-link">/);
    assert.match(english.body, /Only the code in the latest mail is valid\./);
  });
});
