import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomBytes, randomUUID } from "node:crypto";
import { sharedTestService } from "../support/test-service.ts";
import type { TestCustomer } from "../support/test-service.ts";
import { pageLogin, visibleText } from "../support/page-login.ts";

/** Issue 13 §1, §3: the パスキー page as the server renders it (the browser test drives its script). */
describe("the パスキー page (/passkeys) and its link from マイページ", () => {
  const t = sharedTestService();

  /** A stored passkey of `customer`, as a registration would leave it. */
  async function storedPasskey(customer: TestCustomer, name: string, options: { backedUp?: boolean; lastUsedAt?: number | null } = {}): Promise<string> {
    const id = randomUUID();
    const added = await t.stores().passkeys.add({
      id,
      customerId: customer.customer.id,
      credentialId: randomBytes(16).toString("base64url"),
      publicKey: randomBytes(77).toString("base64url"),
      counter: 0,
      transports: ["internal"],
      deviceType: options.backedUp === true ? "multiDevice" : "singleDevice",
      backedUp: options.backedUp ?? false,
      name,
      createdAt: t.clock.now(),
      lastUsedAt: options.lastUsedAt ?? null,
    });
    assert.equal(added, true);
    return id;
  }

  it("sends a visitor without a session to the login page", async () => {
    for (const [url, location] of [["/passkeys", "/login"], ["/passkeys?lang=en", "/login?lang=en"]] as const) {
      const response = await t.client().get(url);
      assert.equal(response.statusCode, 303, url);
      assert.equal(response.headers.location, location, url);
    }
  });

  it("is linked from マイページ; with no passkey it says so, and パスキー必須 waits for one", async () => {
    const customer = await t.addCustomer();
    const browser = await pageLogin(t, customer);
    assert.match((await browser.get("/")).body, /<a href="\/passkeys" id="link-passkeys">パスキー<\/a>/);
    assert.match((await browser.get("/?lang=en")).body, /<a href="\/passkeys\?lang=en" id="link-passkeys">Passkeys<\/a>/);
    const page = await browser.get("/passkeys");
    assert.equal(page.statusCode, 200);
    const text = visibleText(page.body);
    assert.match(text, /登録済みのパスキーはありません。/);
    assert.match(text, /パスキーを登録すると設定できます。/);
    assert.doesNotMatch(page.body, /id="passkey-required-toggle"/, "nothing to turn on without a passkey");
    assert.match(page.body, /<noscript><p class="banner" id="passkeys-noscript">パスキーの登録・変更には、JavaScriptが有効なブラウザが必要です。/);
    assert.match(page.body, /<section class="card" aria-labelledby="passkey-register-title" id="passkey-register" data-needs-js hidden>/, "registering needs the script");
    assert.match(page.body, /<script src="\/static\/passkeys.js" defer><\/script>/);
  });

  it("lists the customer's own passkeys (name, registered, last used, synced or not), escaped, and no one else's", async () => {
    const customer = await t.addCustomer();
    const other = await t.addCustomer();
    await storedPasskey(customer, "iPhone <script>", { backedUp: true });
    t.clock.advance(60_000);
    const usedAt = t.clock.now();
    await storedPasskey(customer, "自宅のパソコン", { lastUsedAt: usedAt });
    await storedPasskey(other, "someone else's key");
    const browser = await pageLogin(t, customer);
    const page = await browser.get("/passkeys");
    assert.doesNotMatch(page.body, /iPhone <script>/, "names are escaped");
    const text = visibleText(page.body);
    assert.ok(text.indexOf("iPhone <script>") < text.indexOf("自宅のパソコン"), "oldest first");
    assert.doesNotMatch(text, /someone else's key/);
    assert.match(text, /複数の端末で同期/);
    assert.match(text, /登録した端末のみ/);
    assert.match(text, /まだ使われていません/);
    assert.equal([...page.body.matchAll(/<li class="passkey" data-passkey-id=/g)].length, 2);
    assert.match(page.body, /id="passkey-required-state">オフ</);
    assert.match(page.body, /id="passkey-required-toggle" data-enable="true"[^>]*>パスキー必須をオンにする</);

    await t.stores().passkeys.setRequired(customer.customer.id, true);
    const on = await browser.get("/passkeys?lang=en");
    assert.match(on.body, /id="passkey-required-state">On</);
    assert.match(on.body, /id="passkey-required-toggle" data-enable="false"[^>]*>Turn passkey required off</);
    assert.match(visibleText(on.body), /Synced across your devices/);
  });

  it("shows the confirmation named by ?done= after a change, and nothing for any other value", async () => {
    const customer = await t.addCustomer();
    const browser = await pageLogin(t, customer);
    const expected: Array<[string, RegExp]> = [
      ["registered", /パスキーを登録しました。/],
      ["renamed", /パスキーの名前を変更しました。/],
      ["removed", /パスキーを削除しました。/],
      ["required-on", /パスキー必須をオンにしました。/],
      ["required-off", /パスキー必須をオフにしました。/],
    ];
    for (const [done, message] of expected) {
      const page = await browser.get(`/passkeys?done=${done}`);
      assert.match(page.body, /<p class="notice" role="status" id="passkey-done">/, done);
      assert.match(visibleText(page.body), message, done);
    }
    for (const done of ["toString", "__proto__", "<b>", "passkeyDoneRegistered"]) {
      const page = await browser.get(`/passkeys?done=${encodeURIComponent(done)}`);
      assert.equal(page.statusCode, 200, done);
      assert.doesNotMatch(page.body, /id="passkey-done"/, done);
    }
  });
});
