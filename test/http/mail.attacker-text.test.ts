import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { sharedTestService } from "../support/test-service.ts";
import type { TestService } from "../support/test-service.ts";
import { mailFooterEn, mailFooterJa } from "../../src/core/notice.ts";
import type { CaughtMail } from "../support/smtp-capture.ts";

// A phishing kit built from our own mails: the device line came from the User-Agent, the IP
// line from X-Forwarded-For, and for an unknown browser word the parser returned the word itself.
const HOSTILE_USER_AGENT = "Unlock now at https://okb-sec.example.com or call 0120-999-999/1.0";
const HOSTILE_FORWARDED_FOR = "www.okb-unlock.example";
const HOSTILE_WORDS = ["Unlock", "okb-sec.example", "0120-999", "okb-unlock"];

/** The mail's text without the footer, which is ours and fixed. */
function withoutFooter(t: TestService, mail: CaughtMail): string {
  let text = mail.text;
  for (const line of [...mailFooterJa(t.config.brand), ...mailFooterEn(t.config.brand)]) {
    if (line !== "") {
      text = text.split(line).join("");
    }
  }
  return text;
}

describe("attacker text in our mails: only validated IPs and known browser and OS names reach a mail", () => {
  const t = sharedTestService({ env: { TRUST_PROXY: "127.0.0.1", LOCKOUT_THRESHOLD: "3", RATE_LIMIT_CODE_MAILS_PER_CUSTOMER: "100/60" } });

  /** The 6-digit code in the `n`-th code mail to the address. */
  async function codeIn(email: string, n: number): Promise<string> {
    const mail = await t.mailTo(email, n, "【OKB証券】認証コードのお知らせ");
    return /認証コード: (\d{6})/.exec(mail.text)?.[1] ?? "";
  }

  it("no mail the product sends carries a link, an address or any other text from the request", async () => {
    const headers = { "x-forwarded-for": HOSTILE_FORWARDED_FOR };
    const hostile = (): ReturnType<typeof t.client> => t.client({ ip: "127.0.0.1", userAgent: HOSTILE_USER_AGENT });
    const post = (client: ReturnType<typeof t.client>, url: string, json: unknown) => client.post(url, { json, headers });

    // Every flow that mails, driven by a client whose User-Agent and X-Forwarded-For are an attacker's text.
    const customer = await t.addCustomer();
    await t.service.database.db.updateTable("customers").set({ birth_date: "1980-01-31" }).where("id", "=", customer.customer.id).execute();
    const app = hostile();
    await post(app, "/api/v1/login", { loginId: customer.loginId, password: customer.password });
    assert.equal((await post(app, "/api/v1/login/mfa", { code: await codeIn(customer.email, 1) })).statusCode, 200, "login code, login notice");
    await post(app, "/api/v1/password/code", {});
    const changed = await post(app, "/api/v1/password", { currentPassword: customer.password, newPassword: "an entirely new phrase", code: await codeIn(customer.email, 2) });
    assert.equal(changed.statusCode, 200, "password-change code, password-changed notice");
    const resetter = hostile();
    await post(resetter, "/api/v1/password-reset", { loginId: customer.loginId, birthDate: "1980-01-31" });
    const reset = await post(resetter, "/api/v1/password-reset/complete", { code: await codeIn(customer.email, 3), newPassword: "yet another fresh phrase" });
    assert.equal(reset.statusCode, 200, "reset code, reset notice");
    await post(hostile(), "/api/v1/login-id/remind", { email: customer.email, birthDate: "1980-01-31" });
    const again = hostile();
    await post(again, "/api/v1/login", { loginId: customer.loginId, password: "yet another fresh phrase" });
    await post(again, "/api/v1/login/mfa", { code: await codeIn(customer.email, 4) });
    assert.equal((await post(again, "/api/v1/account/freeze", { password: "yet another fresh phrase" })).statusCode, 200, "frozen notice");
    // The lock notice needs only a login ID.
    const victim = await t.addCustomer();
    for (let i = 0; i < 3; i += 1) {
      await post(hostile(), "/api/v1/login", { loginId: victim.loginId, password: "wrong password" });
    }
    await t.drainOutbox();

    const subjects = [...new Set(t.smtp.mails.map((mail) => mail.subject))].sort();
    assert.deepEqual(
      subjects,
      [
        "【OKB証券】ログインIDのお知らせ",
        "【OKB証券】ログインのお知らせ",
        "【OKB証券】ログインパスワード再設定のお知らせ",
        "【OKB証券】ログインパスワード変更のお知らせ",
        "【OKB証券】ログイン停止（口座凍結）のお知らせ",
        "【OKB証券】口座ロックのお知らせ",
        "【OKB証券】認証コードのお知らせ",
      ],
      "every kind of mail the product sends",
    );
    // The code mails' fourth line says what the code is for.
    const codeMailKinds = t.smtp.mails.filter((mail) => mail.subject === "【OKB証券】認証コードのお知らせ").map((mail) => mail.text.split("\n")[3]);
    assert.equal(new Set(codeMailKinds).size, 3, "login, password change and reset codes");

    for (const mail of t.smtp.mails) {
      const text = withoutFooter(t, mail);
      assert.doesNotMatch(text, /https?:|www\.|@/i, `${mail.subject}: no link or address outside the footer`);
      for (const word of HOSTILE_WORDS) {
        assert.ok(!mail.text.includes(word), `${mail.subject}: "${word}" from the request must not appear`);
      }
      assert.match(mail.text, /^IPアドレス: 不明 \(unknown\)$/m, `${mail.subject}: a non-IP forwarded address shows as unknown`);
      assert.match(mail.text, /^ご利用環境: 不明 \(unknown\)$/m, `${mail.subject}: an unknown browser word is not copied`);
    }
  });

  it("a known browser still shows by name and version", async () => {
    const customer = await t.addCustomer();
    await t.client().post("/login", { form: { loginId: customer.loginId, password: customer.password } });
    const mail = await t.mailTo(customer.email);
    assert.match(mail.text, /^ご利用環境: Chrome 120 \/ Windows 10$/m);
    assert.match(mail.text, /^IPアドレス: 203\.0\.113\.10$/m);
  });
});
