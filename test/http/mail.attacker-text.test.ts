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
  const t = sharedTestService({ env: { TRUST_PROXY: "127.0.0.1", LOCKOUT_THRESHOLD: "3" } });

  it("no mail the product sends carries a link, an address or any other text from the request", async () => {
    const customer = await t.addCustomer();
    const attacker = t.client({ ip: "127.0.0.1", userAgent: HOSTILE_USER_AGENT });
    const headers = { "x-forwarded-for": HOSTILE_FORWARDED_FOR };
    // The code mail (right password), then the lock notice (needs only the login ID).
    assert.equal((await attacker.post("/login", { form: { loginId: customer.loginId, password: customer.password }, headers })).statusCode, 303);
    for (let i = 0; i < 3; i += 1) {
      await attacker.post("/login", { form: { loginId: customer.loginId, password: "wrong password" }, headers });
    }
    await t.mailTo(customer.email, 2);
    const subjects = t.smtp.mails.map((mail) => mail.subject).sort();
    assert.deepEqual(subjects, ["【OKB証券】口座ロックのお知らせ", "【OKB証券】認証コードのお知らせ"], "every kind of mail the product sends today");

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
