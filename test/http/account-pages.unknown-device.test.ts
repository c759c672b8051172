import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { sharedTestService } from "../support/test-service.ts";
import { pageLogin, visibleText } from "../support/page-login.ts";

// A device we cannot name (no User-Agent, or one we do not recognise) is 「不明」 on a Japanese page and
// "unknown" on an English one: never the other language's word (issue 21 item 9, the pages as the mails).
describe("a device we cannot name, on the customer's pages", () => {
  const t = sharedTestService();

  it("ログイン履歴, ご利用中の端末 and マイページ say 「不明」 in Japanese and \"unknown\" in English", async () => {
    const customer = await t.addCustomer();
    await pageLogin(t, customer, { userAgent: "" });
    const browser = await pageLogin(t, customer, { userAgent: "" });
    for (const path of ["/history", "/sessions", "/"]) {
      const ja = visibleText((await browser.get(path)).body);
      const en = visibleText((await browser.get(`${path}?lang=en`)).body);
      assert.ok(ja.includes("不明"), `${path} (ja) names the unknown device`);
      assert.ok(!ja.includes("(unknown)"), `${path} (ja) has no English word: ${ja}`);
      assert.ok(en.includes("unknown"), `${path} (en) names the unknown device`);
      assert.ok(!en.includes("不明"), `${path} (en) has no Japanese word: ${en}`);
    }
  });
});
